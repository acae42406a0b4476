from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import resources
from .models import (
    Database,
    ImportRun,
    JoinKey,
    Nomenclature,
    NomenclatureValue,
    SearchSynonym,
    Table,
    Variable,
)


class _Admin(ImportExportModelAdmin, SimpleHistoryAdmin):
    pass


@admin.register(Database)
class DatabaseAdmin(_Admin):
    resource_classes = [resources.DatabaseResource]
    list_display = ["acronym", "name", "producer", "updated_at"]
    search_fields = ["acronym", "name"]


@admin.register(Table)
class TableAdmin(_Admin):
    resource_classes = [resources.TableResource]
    list_display = ["name", "database", "product", "title"]
    list_filter = ["database", "product"]
    search_fields = ["name", "title"]


@admin.register(Variable)
class VariableAdmin(_Admin):
    resource_classes = [resources.VariableResource]
    list_display = ["name", "table", "type", "nomenclature"]
    list_filter = ["type", "table__database"]
    search_fields = ["name", "description", "table__name"]
    raw_id_fields = ["table", "nomenclature"]


@admin.register(Nomenclature)
class NomenclatureAdmin(_Admin):
    resource_classes = [resources.NomenclatureResource]
    list_display = ["name", "title", "source"]
    list_filter = ["source"]
    search_fields = ["name", "title"]


@admin.register(NomenclatureValue)
class NomenclatureValueAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "nomenclature"]
    search_fields = ["code", "label"]
    raw_id_fields = ["nomenclature"]


@admin.register(JoinKey)
class JoinKeyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "resolved"]
    raw_id_fields = ["from_table", "to_table"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "database", "created_by", "duration_ms"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchSynonym)
class SearchSynonymAdmin(SimpleHistoryAdmin):
    """The synonym list of the search: one group of equivalent words per row."""

    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]
