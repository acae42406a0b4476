from django.contrib import admin

from .models import EtlJob


@admin.register(EtlJob)
class EtlJobAdmin(admin.ModelAdmin):
    """Conversions are started from the OMOP pages; the admin shows them read-only."""

    list_display = ["extract_label", "engine", "output_format", "target", "job", "created_at"]
    list_filter = ["engine", "output_format", "source", "job__status"]
    search_fields = ["extract_label", "target"]
    readonly_fields = [f.name for f in EtlJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
