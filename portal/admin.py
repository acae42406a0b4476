from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin, ImportExportModelAdmin

from .models import AuditEntry, Job


class LegalRecordAdminMixin:
    """Legal records (dossiers, their documents and history, the audit log) are never
    deleted from the admin, one by one or in bulk; dossiers are archived instead."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AuditEntry)
class AuditEntryAdmin(LegalRecordAdminMixin, ExportMixin, admin.ModelAdmin):
    """Read-only: the audit log is written by ``audit_record`` only."""

    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_repr", "action", "target_repr", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "title_words",
        "kind",
        "status",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind", "error"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description=_("titre"), ordering="title")
    def title_words(self, obj: Job) -> str:
        return obj.display_title

    def has_add_permission(self, request):
        return False


class UserResource(resources.ModelResource):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
        export_order = fields


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PortalUserAdmin(ImportExportModelAdmin, UserAdmin):
    resource_classes = [UserResource]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated: their traces and dossiers name them

    def save_related(self, request, form, formsets, change):
        form.instance._changed_by = request.user  # lets the roles audit name the admin
        super().save_related(request, form, formsets, change)


@admin.register(Group)
class PortalGroupAdmin(GroupAdmin):
    pass
