from django import forms
from django.contrib import admin

from .models import CuratorRule, DataFile, ProfilingRun, VariableResult
from .services import curator_rule_clean


@admin.register(DataFile)
class DataFileAdmin(admin.ModelAdmin):
    list_display = ["table", "original_name", "origin", "format", "size", "created_at"]
    list_filter = ["origin", "format"]
    search_fields = ["table__name", "original_name"]
    readonly_fields = ["location", "size", "format", "origin", "created_by", "created_at"]


class CuratorRuleAdminForm(forms.ModelForm):
    """The same checks as the curators' page: a rule that makes no sense is refused."""

    class Meta:
        model = CuratorRule
        fields = ["variable", "minimum", "maximum", "pattern", "allowed", "expected_completeness"]

    def clean(self):
        data = super().clean()
        variable = data.get("variable") or getattr(self.instance, "variable", None)
        if variable is not None:
            data.update(
                curator_rule_clean(
                    variable=variable,
                    **{k: data.get(k) for k in self.Meta.fields if k != "variable"},
                )
            )
        return data


@admin.register(CuratorRule)
class CuratorRuleAdmin(admin.ModelAdmin):
    form = CuratorRuleAdminForm
    list_display = [
        "variable",
        "minimum",
        "maximum",
        "pattern",
        "expected_completeness",
        "updated_at",
    ]
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
