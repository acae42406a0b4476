from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from portal.admin import LegalRecordAdminMixin
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


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'archivage"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@admin.register(Dossier)
class DossierAdmin(LegalRecordAdminMixin, ImportExportModelAdmin):
    resource_classes = [DossierResource]
    list_display = [
        "reference",
        "title",
        "route",
        "status",
        "owner",
        "submitted_on",
        "due_on",
        "archived_at",
    ]
    list_filter = ["status", "route", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["reference", "title", "data_controller", "owner__username"]
    readonly_fields = ["status", "archived_at", "archive_reason", "archived_by"]
    inlines = [TeamInline, RequestedDataInline, AssignmentInline]
    actions = ["archive"]

    @admin.action(description=_("Archiver les dossiers sélectionnés (avec un motif)"))
    def archive(self, request, queryset):
        from .services.dossiers import dossier_archive
        from .services.errors import DossierError

        form = ArchiveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for dossier in queryset:
                try:
                    dossier_archive(
                        dossier=dossier, by=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except DossierError as exc:
                    self.message_user(request, f"{dossier.reference} : {exc}", messages.WARNING)
            self.message_user(request, _("%(n)d dossier(s) archivé(s).") % {"n": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "dossiers": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "title": _("Archiver des dossiers"),
        }
        return render(request, "admin/access_requests/dossier/archive.html", context)


@admin.register(Document)
class DocumentAdmin(LegalRecordAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "kind", "version", "original_name", "size", "uploaded_at"]
    list_filter = ["kind"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(LegalRecordAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "at", "actor", "transition", "from_status", "to_status"]
    list_filter = ["transition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(LegalRecordAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "kind", "author", "created_at"]
    list_filter = ["kind"]


@admin.register(ComplementRequest)
class ComplementRequestAdmin(LegalRecordAdminMixin, admin.ModelAdmin):
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
