from django.contrib import admin

from .models import CuratorRule, DataFile, ProfilingRun, VariableResult


@admin.register(DataFile)
class DataFileAdmin(admin.ModelAdmin):
    list_display = ["table", "original_name", "origin", "format", "size", "created_at"]
    list_filter = ["origin", "format"]
    search_fields = ["table__name", "original_name"]
    readonly_fields = ["location", "size", "format", "origin", "created_by", "created_at"]


@admin.register(CuratorRule)
class CuratorRuleAdmin(admin.ModelAdmin):
    list_display = ["variable", "minimum", "maximum", "pattern", "updated_at"]
    search_fields = ["variable__name", "variable__table__name"]
    raw_id_fields = ["variable"]


class VariableResultInline(admin.TabularInline):
    model = VariableResult
    fields = ["name", "completeness_pct", "conformance_pct", "plausibility_pct", "grade"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ProfilingRun)
class ProfilingRunAdmin(admin.ModelAdmin):
    """Results are published data: read-only here."""

    list_display = ["table", "created_at", "published_at", "grade", "rows_count"]
    list_filter = ["grade"]
    search_fields = ["table__name", "table__database__acronym"]
    inlines = [VariableResultInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
