"""django-import-export resources (CSV, XLSX, JSON) for the admin and the staff page."""

from import_export import fields, resources, widgets

from portal.spreadsheets import NeutralisedResourceMixin

from .models import Database, Nomenclature, Table, Variable


class DatabaseResource(NeutralisedResourceMixin, resources.ModelResource):
    class Meta:
        model = Database
        import_id_fields = ["acronym"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True  # the model's rules (http(s) links only) hold here too


class TableResource(NeutralisedResourceMixin, resources.ModelResource):
    database = fields.Field(
        attribute="database",
        column_name="database",
        widget=widgets.ForeignKeyWidget(Database, field="acronym"),
    )

    class Meta:
        model = Table
        import_id_fields = ["database", "name"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True


class _TableWidget(widgets.ForeignKeyWidget):
    """``SNDS.IR_BEN_R`` ↔ the table."""

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        acronym, _, name = str(value).partition(".")
        return Table.objects.get(database__acronym=acronym, name=name)

    def render(self, value, obj=None, **kwargs):
        return f"{value.database.acronym}.{value.name}" if value else ""


class VariableResource(NeutralisedResourceMixin, resources.ModelResource):
    table = fields.Field(attribute="table", column_name="table", widget=_TableWidget(Table))
    nomenclature = fields.Field(
        attribute="nomenclature",
        column_name="nomenclature",
        widget=widgets.ForeignKeyWidget(Nomenclature, field="name"),
    )

    class Meta:
        model = Variable
        import_id_fields = ["table", "name"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True

    @staticmethod
    def queryset_for(database):
        return Variable.objects.filter(table__database=database).select_related(
            "table__database", "nomenclature"
        )


class NomenclatureResource(NeutralisedResourceMixin, resources.ModelResource):
    class Meta:
        model = Nomenclature
        import_id_fields = ["name"]
        exclude = ["id", "updated_at", "values_digest"]
        skip_unchanged = True


RESOURCES = {
    "databases": DatabaseResource,
    "tables": TableResource,
    "variables": VariableResource,
    "nomenclatures": NomenclatureResource,
}
