from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import resources
from .models import (
    Database,
    HarvestedDataset,
    ImportRun,
    JoinKey,
    Nomenclature,
    NomenclatureValue,
    PartnerCatalogue,
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


@admin.register(PartnerCatalogue)
class PartnerCatalogueAdmin(admin.ModelAdmin):
    """Registration goes through the curators' page (content checked, audited); here the
    admins can pause a partner or change its period."""

    list_display = ["name", "url", "active", "refresh_hours", "dataset_count", "last_success_at"]
    list_filter = ["active"]
    readonly_fields = [
        "slug",
        "url",
        "file_location",
        "last_harvest_at",
        "last_success_at",
        "last_error",
        "dataset_count",
        "created_by",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from portal.audit import audit_record

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="catalogue.partner_change",
                target=obj,
                changes={f: form.cleaned_data.get(f) for f in form.changed_data},
            )


@admin.register(HarvestedDataset)
class HarvestedDatasetAdmin(admin.ModelAdmin):
    """Harvested copies are read-only: the partner is the source."""

    list_display = ["title", "partner", "publisher", "harvested_at"]
    list_filter = ["partner"]
    search_fields = ["title", "identifier"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
