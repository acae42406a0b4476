from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from . import services
from .models import (
    ActorRule,
    Affiliation,
    AffiliationCorrection,
    Author,
    Authorship,
    ImportRun,
    IndicatorSnapshot,
    Publication,
    PublicationMerge,
    RelevanceModel,
    SavedQuery,
    SndsComponent,
    TherapeuticArea,
    Topic,
)


@admin.register(ActorRule)
class ActorRuleAdmin(ImportExportModelAdmin):
    list_display = ["priority", "actor_type", "institution", "pattern", "active"]
    list_editable = ["active"]
    list_filter = ["actor_type", "active"]
    search_fields = ["pattern", "institution"]
    actions = ["reclassify"]

    @admin.action(description=_("Réappliquer les règles actives à toutes les affiliations"))
    def reclassify(self, request, queryset):
        changed = services.affiliations_reclassify()
        messages.success(request, _("%(n)d affiliations reclassées.") % {"n": changed})


@admin.register(Affiliation)
class AffiliationAdmin(ImportExportModelAdmin):
    list_display = ["institution", "actor_type", "country", "city", "curated"]
    list_filter = ["actor_type", "curated", "country"]
    search_fields = ["raw_text", "institution"]
    readonly_fields = ["raw_text"]

    def save_model(self, request, obj, form, change):
        # a hand correction sticks: rules no longer overwrite it
        obj.curated = True
        if "actor_type" in form.changed_data:
            obj.actor_types = [obj.actor_type]
        super().save_model(request, obj, form, change)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    raw_id_fields = ["author", "affiliations"]


@admin.register(Publication)
class PublicationAdmin(ImportExportModelAdmin):
    list_display = ["title", "year", "journal", "relevance_auto", "relevance_override", "relevant"]
    list_filter = ["relevant", "relevance_auto", "relevance_override", "is_example", "components"]
    search_fields = ["title", "pmid", "doi", "journal"]
    readonly_fields = ["relevance_auto", "relevance_terms", "relevant", "source", "created_at"]
    filter_horizontal = ["components", "areas"]
    inlines = [AuthorshipInline]

    def save_model(self, request, obj, form, change):
        if "relevance_override" in form.changed_data or "relevance_note" in form.changed_data:
            services.publication_set_relevance(
                publication=obj,
                relevant=obj.relevance_override,
                note=obj.relevance_note,
                by=request.user,
            )
        obj.relevant = obj.decide_relevance(obj.relevance_auto, obj.relevance_override)
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "orcid", "name"]
    search_fields = ["display_name", "orcid", "name"]


@admin.register(SndsComponent)
class SndsComponentAdmin(ImportExportModelAdmin):
    list_display = ["code", "label", "catalogue_code"]


@admin.register(TherapeuticArea)
class TherapeuticAreaAdmin(ImportExportModelAdmin):
    list_display = ["code", "label"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["index", "label", "created_at"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "format", "created_by", "created_at"]
    readonly_fields = ["job", "files", "format", "created_by", "stats"]

    def has_add_permission(self, request):
        return False


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(admin.ModelAdmin):
    list_display = ["created_at", "publications", "seconds"]
    exclude = ["rows"]
    readonly_fields = ["created_at", "publications", "seconds", "data"]

    def has_add_permission(self, request):
        return False


@admin.register(SavedQuery)
class SavedQueryAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "active", "refresh_hours", "max_records", "last_count",
                    "last_refreshed_at", "pending_count"]  # fmt: skip
    list_filter = ["source", "active"]
    search_fields = ["name", "query"]
    readonly_fields = ["last_refreshed_at", "last_count", "last_error", "created_by"]


@admin.register(PublicationMerge)
class PublicationMergeAdmin(admin.ModelAdmin):
    """Read-only: a merge is undone from the publication page (audited service)."""

    list_display = ["publication", "key", "value", "source", "origin", "created_at", "undone_at"]
    list_filter = ["key", "source"]
    search_fields = ["value", "origin"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AffiliationCorrection)
class AffiliationCorrectionAdmin(admin.ModelAdmin):
    list_display = ["example", "actor_types", "institution", "city", "country", "updated_at"]
    search_fields = ["example", "institution"]
    readonly_fields = ["created_by"]


@admin.register(RelevanceModel)
class RelevanceModelAdmin(admin.ModelAdmin):
    list_display = ["created_at", "positives", "negatives", "created_by"]

    def has_add_permission(self, request):
        return False
