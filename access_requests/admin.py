from django.contrib import admin
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from portal.spreadsheets import NeutralisedResourceMixin

from .models import (
    CONTENT_FIELDS,
    DECISION_FIELDS,
    KEY_DATE_FIELDS,
    ComplementRequest,
    ConflictOfInterest,
    Document,
    Dossier,
    HistoryEntry,
    Message,
    RapporteurAssignment,
    RequestedData,
    TeamMember,
)


class DossierResource(NeutralisedResourceMixin, resources.ModelResource):
    """Import/export of dossiers. The status is exported but never imported: it only
    changes through the procedure's transitions."""

    status = fields.Field(attribute="status", column_name="status", readonly=True)
    owner = fields.Field(
        attribute="owner",
        column_name="owner",
        widget=widgets.ForeignKeyWidget(Dossier._meta.get_field("owner").related_model, "username"),
    )

    class Meta:
        model = Dossier
        import_id_fields = ["reference"]
        skip_unchanged = True
        fields = ["reference", *CONTENT_FIELDS, "owner", *DECISION_FIELDS, *KEY_DATE_FIELDS]


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0


class RequestedDataInline(admin.TabularInline):
    model = RequestedData
    extra = 0
    raw_id_fields = ["variables"]  # the catalogue holds thousands of variables


class AssignmentInline(admin.TabularInline):
    model = RapporteurAssignment
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ImportExportModelAdmin):
    resource_classes = [DossierResource]
    list_display = ["reference", "title", "route", "status", "owner", "submitted_on", "due_on"]
    list_filter = ["status", "route"]
    search_fields = ["reference", "title", "data_controller", "owner__username"]
    readonly_fields = ["status"]
    inlines = [TeamInline, RequestedDataInline, AssignmentInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["dossier", "kind", "version", "original_name", "size", "uploaded_at"]
    list_filter = ["kind"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["dossier", "at", "actor", "transition", "from_status", "to_status"]
    list_filter = ["transition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["dossier", "kind", "author", "created_at"]
    list_filter = ["kind"]


@admin.register(ComplementRequest)
class ComplementRequestAdmin(admin.ModelAdmin):
    list_display = ["dossier", "requested_at", "answered_at"]


@admin.register(RequestedData)
class RequestedDataAdmin(admin.ModelAdmin):
    list_display = ["dossier", "database", "table", "label"]
    raw_id_fields = ["variables"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    """Rapporteurs' declared links of interest, shown in the guichet's rapporteur picker."""

    list_display = ["rapporteur", "organisation", "declared_on"]
    search_fields = ["organisation", "rapporteur__username", "rapporteur__last_name"]


admin.site.register(TeamMember)
admin.site.register(RapporteurAssignment)
