"""Public dashboard and publication pages; upload and curation for the ``data`` role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.countries import country_name
from portal.jobs import JobError
from portal.messages import message_text
from portal.permissions import capability_required
from portal.roles import Capability, can
from portal.spreadsheets import csv_writer
from portal.uploads import upload_limit

from . import selectors, services
from .enrichment import AREA_LABELS, COMPONENT_LABELS, COUNTRY_ISO3, FRENCH_CITIES
from .forms import (
    AffiliationCorrectionForm,
    BulkRelevanceForm,
    FilterForm,
    RelevanceForm,
    SavedQueryForm,
    UploadForm,
)
from .models import ActorType, Affiliation, Publication, PublicationMerge, Topic
from .topics import themes_in

ACTOR_LABELS = dict(ActorType.choices)
# Callon's four quadrants of the thematic map (codes from indicators.thematic_map)
QUADRANT_LABELS = {
    "motor": gettext_lazy("Thèmes moteurs (centraux et développés)"),
    "niche": gettext_lazy("Thèmes de niche (développés mais isolés)"),
    "emerging_declining": gettext_lazy("Thèmes émergents ou en déclin"),
    "basic": gettext_lazy("Thèmes transversaux et de base (centraux, peu développés)"),
}


def _filter_form(request, snapshot=None) -> FilterForm:
    snapshot = snapshot or selectors.snapshot_current()
    countries = list((snapshot.data.get("by_country") or {}).keys())
    return FilterForm(request.GET or None, countries=countries)


def _labels() -> dict[str, dict[str, str]]:
    return {
        "actor_type": {k: str(v) for k, v in ACTOR_LABELS.items()},
        "component": COMPONENT_LABELS,
        "area": AREA_LABELS,
        "iso3": COUNTRY_ISO3,
        # the corpus names countries in English: the map shows them in the page's language
        "countries": {name: country_name(iso) for name, iso in COUNTRY_ISO3.items()},
        "cities": {name: [lat, lon] for name, (lat, lon, _a) in FRENCH_CITIES.items()},
        # topics are stored under their model label; shown in the page's language
        "topic": {t.label: t.label_in() for t in Topic.objects.all()},
    }


def dashboard(request):
    snapshot = selectors.snapshot_current()
    form = _filter_form(request, snapshot)
    filters = form.filters()
    data = selectors.dashboard_data(filters, snapshot)
    return render(
        request,
        "bibliometrics/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "data": selectors.indicators_published(data, request.user),
            "labels": _labels(),
            "query": request.GET.urlencode(),
            "can_curate": can(request.user, Capability.BIBLIOMETRICS_CURATE),
            "has_examples": Publication.objects.filter(is_example=True).exists(),
        },
    )


def indicators_page(request):
    snapshot = selectors.snapshot_current()
    data = selectors.indicators_published(snapshot.data, request.user)
    language = (get_language() or "fr")[:2]
    for key in ("thematic_map", "thematic_evolution"):  # theme labels in the page's language
        if data.get(key):
            data = {**data, key: themes_in(data[key], language)}
    return render(
        request,
        "bibliometrics/indicators.html",
        {
            "snapshot": snapshot,
            "data": data,
            "labels": _labels(),
            "components": COMPONENT_LABELS,
            "areas": AREA_LABELS,
            "quadrants": QUADRANT_LABELS,
            "can_curate": can(request.user, Capability.BIBLIOMETRICS_CURATE),
            "charts": {
                "cocitation": data.get("cocitation") or {},
                "coupling": data.get("coupling") or {},
                "thematic_map": data.get("thematic_map") or {},
                "thematic_evolution": data.get("thematic_evolution") or {},
                "quadrants": {k: str(v) for k, v in QUADRANT_LABELS.items()},
            },
        },
    )


CHARTS = {
    "production": (("year", "publications"),),
    "actor_types": (("actor_type", "year", "publications"),),
    "components": (("component", "year", "publications"),),
    "areas": (("area", "year", "publications"),),
    "journals": (("journal", "publications"),),
    "topics": (("topic", "year", "publications"),),
    "countries": (("country", "publications"),),
    "cities": (("city", "publications"),),
    "network": (("institution", "publications", "community", "x", "y"),),
    "reuse": (("component", "area", "publications"),),
}


def _chart_rows(chart: str, data: dict[str, Any]) -> list[list[Any]]:
    def by_year(block: dict) -> list[list[Any]]:
        return [[k, y, n] for k, years in block.items() for y, n in years.items()]

    match chart:
        case "production":
            return [[y, n] for y, n in data.get("production", {}).items()]
        case "actor_types":
            return by_year(data.get("by_actor_type", {}))
        case "components":
            return by_year(data.get("by_component", {}))
        case "areas":
            return by_year(data.get("by_area", {}))
        case "topics":  # in the page's language, like the chart
            names = {t.label: t.label_in() for t in Topic.objects.all()}
            return [[names.get(k, k), y, n] for k, y, n in by_year(data.get("topic_trends", {}))]
        case "journals":
            return [list(x) for x in data.get("top_journals", [])]
        case "countries":
            return [[k, n] for k, n in data.get("by_country", {}).items()]
        case "cities":
            return [[k, n] for k, n in data.get("by_city", {}).items()]
        case "network":
            layout = data.get("institution_network", {})
            layout = layout.get("layout", layout)
            return [
                [n["id"], n["publications"], n["community"], n["x"], n["y"]]
                for n in layout.get("nodes", [])
            ]
        case "reuse":
            matrix = data.get("reuse", {}).get("matrix", {})
            return [[c, a, n] for c, row in matrix.items() for a, n in row.items()]
    raise Http404


def chart_csv(request, chart: str):
    if chart not in CHARTS:
        raise Http404
    snapshot = selectors.snapshot_current()
    form = _filter_form(request, snapshot)
    data = selectors.dashboard_data(form.filters(), snapshot)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="publications-snds-{chart}.csv"'
    writer = csv_writer(response)
    writer.writerow(CHARTS[chart][0])
    writer.writerows(_chart_rows(chart, data))
    return response


def publication_list(request):
    form = _filter_form(request)
    q = request.GET.get("q", "").strip()
    qs = selectors.publications_search(request.user, q=q, filters=form.filters())
    page = Paginator(qs.only("pk", "title", "journal", "year", "pmid", "doi", "is_example"), 25)
    page_obj = page.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "bibliometrics/publication_list.html",
        {
            "form": form,
            "q": q,
            "page_obj": page_obj,
            "count": page.count,
            "query": params.urlencode(),
            "filters": form.filters(),
            "labels": _labels(),
        },
    )


def publication_detail(request, pk: int):
    publication = get_object_or_404(
        selectors.publications_visible_to(request.user).select_related("topic"), pk=pk
    )
    authorships = publication.authorships.select_related("author").prefetch_related("affiliations")
    initial = {
        None: "auto",
        True: "yes",
        False: "no",
    }[publication.relevance_override]
    return render(
        request,
        "bibliometrics/publication_detail.html",
        {
            "publication": publication,
            "authorships": authorships,
            "components": publication.components.all(),
            "areas": publication.areas.all(),
            "can_curate": can(request.user, Capability.BIBLIOMETRICS_CURATE),
            "relevance_form": RelevanceForm(
                initial={"decision": initial, "note": publication.relevance_note}
            ),
            "reasons": [reason_text(r) for r in publication.relevance_reasons or []],
            "model_why": [model_word(w) for w in publication.model_explanation or []],
            "actor_labels": {k: str(v) for k, v in ACTOR_LABELS.items()},
            "merges": publication.merges.select_related("split", "undone_by"),
        },
    )


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def publication_relevance(request, pk: int):
    publication = get_object_or_404(selectors.publications_visible_to(request.user), pk=pk)
    form = RelevanceForm(request.POST)
    if form.is_valid():
        services.publication_set_relevance(
            publication=publication,
            relevant=form.relevant(),
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, _("Décision enregistrée ; les indicateurs vont être recalculés."))
    else:
        messages.error(request, _("Choisissez une décision."))
    return redirect(publication)


@capability_required(Capability.BIBLIOMETRICS_CURATE)
@upload_limit("PUBLICATION_IMPORT_MAX_BYTES")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_upload(
                files=form.cleaned_data["files"], fmt=form.cleaned_data["format"], by=request.user
            )
        except JobError as exc:
            form.add_error(None, message_text(str(exc)))
        else:
            messages.success(request, _("Import lancé."))
            return redirect("bibliometrics:import-detail", pk=run.pk)
    return render(
        request,
        "bibliometrics/import_upload.html",
        {"form": form, "imports": selectors.imports_recent()[:20]},
    )


@capability_required(Capability.BIBLIOMETRICS_CURATE)
def import_detail(request, pk: int):
    run = get_object_or_404(selectors.imports_recent(), pk=pk)
    return render(request, "bibliometrics/import_detail.html", {"run": run, "job": run.job})


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def topics_recompute(request):
    job = services.topics_recompute_enqueue(by=request.user)
    messages.success(request, _("Recalcul des thèmes lancé."))
    return redirect(job)


# --- Curation queue ----------------------------------------------------------------------------


def reason_text(reason: dict[str, str]) -> str:
    """A rule's reason (code and parameters) as a sentence in the page's language."""
    context = {
        "france": _("la France ou les Français sont cités"),
        "french_affiliation": _("affiliation française"),
    }
    params = {
        "term": reason.get("term", ""),
        "detail": context.get(reason.get("detail", "").casefold(), reason.get("detail", "")),
    }
    senses = {
        "immunology": _("immunologie"),
        "genetics": _("génétique"),
        "pharmacology": _("pharmacologie (extrait de Ginkgo)"),
        "psychology": _("psychologie (échelle HAD)"),
        "statistics": _("statistique"),
        "health insurance (US)": _("assurance santé américaine"),
        "other institution": _("autre institution"),
    }
    match reason.get("code"):
        case "term":
            return _("« %(term)s » désigne les données de santé françaises") % params
        case "acronym_context":
            return _("« %(term)s » avec un contexte français : %(detail)s") % params
        case "acronym_other_sense":
            params["detail"] = senses.get(reason.get("detail", ""), reason.get("detail", ""))
            return _("« %(term)s » pris dans un autre sens : %(detail)s") % params
        case "acronym_no_context":
            return _("« %(term)s » sans contexte de données de santé françaises") % params
    return _("aucun terme des données de santé françaises")


MODEL_FIELDS = {
    "text": gettext_lazy("titre, résumé, mots-clés"),
    "mesh": gettext_lazy("MeSH"),
    "affiliations": gettext_lazy("affiliations"),
    "evidence": gettext_lazy("règles"),
}


def model_word(why: dict[str, Any]) -> dict[str, Any]:
    """One of the model's weighing words as a curator reads it: the rules' evidence tokens
    (``context:french_affiliation``, ``acronym_context:DCIR:France``…) become sentences."""
    term, field = why.get("term", ""), why.get("field", "")
    out = {**why, "field": MODEL_FIELDS.get(field, field)}
    if field != "evidence":
        return out
    kind, _sep, rest = term.partition(":")
    if kind == "rules":
        out["term"] = (
            _("les règles la retiennent") if rest == "relevant" else _("les règles l'écartent")
        )
    elif kind == "context":
        out["term"] = {
            "france_text": _("la France ou les Français sont cités"),
            "french_affiliation": _("affiliation française"),
            "data_words": _("vocabulaire des données (base, remboursements, séjours…)"),
        }.get(rest, rest)
    elif kind == "country":
        name = rest.replace("_", " ")
        out["term"] = _("affiliation : %(country)s") % {
            "country": country_name(COUNTRY_ISO3[name]) if name in COUNTRY_ISO3 else name
        }
    else:
        code, _s, more = term.partition(":")
        name, _s, detail = more.partition(":")
        if detail != "french_affiliation":
            detail = detail.replace("_", " ")
        out["term"] = reason_text({"code": code, "term": name.replace("_", " "), "detail": detail})
    return out


@capability_required(Capability.BIBLIOMETRICS_CURATE)
def curation_queue(request):
    decided = request.GET.get("vue") == "decidees"
    queue = selectors.curation_queue(request.user, decided=decided)
    form = BulkRelevanceForm(request.POST or None, queryset=queue)
    if request.method == "POST":
        if form.is_valid():
            count = services.publications_set_relevance_bulk(
                publications=form.cleaned_data["publications"],
                relevant=form.relevant(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("%(count)s décisions enregistrées.") % {"count": count})
            return redirect("bibliometrics:curation-queue")
        messages.error(request, _("Cochez au moins une publication et choisissez une décision."))
    page_obj = Paginator(queue, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "publication": p,
            "reasons": [reason_text(r) for r in p.relevance_reasons or []],
            "model_why": [model_word(w) for w in p.model_explanation or []],
        }
        for p in page_obj
    ]
    model, _trained = services.relevance_model_current()
    return render(
        request,
        "bibliometrics/curation_queue.html",
        {"rows": rows, "page_obj": page_obj, "form": form, "model": model, "decided": decided},
    )


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def model_train(request):
    job = services.relevance_model_train_enqueue(by=request.user)
    messages.success(request, _("Entraînement du modèle lancé."))
    return redirect(job)


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def merge_undo(request, pk: int):
    merge = get_object_or_404(
        PublicationMerge.objects.filter(
            publication__in=selectors.publications_visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        split = services.publication_merge_undo(merge=merge, by=request.user)
    except JobError as exc:
        messages.error(request, message_text(str(exc)))
        return redirect(merge.publication)
    messages.success(
        request, _("Notices séparées : la notice rapprochée est devenue une publication.")
    )
    return redirect(split)


# --- Saved queries -------------------------------------------------------------------------------


@capability_required(Capability.BIBLIOMETRICS_CURATE)
def query_list(request):
    form = SavedQueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = services.saved_query_create(by=request.user, **form.cleaned_data)
        messages.success(request, _("Requête enregistrée."))
        return redirect(query)
    return render(
        request,
        "bibliometrics/query_list.html",
        {"form": form, "queries": selectors.saved_queries()},
    )


@capability_required(Capability.BIBLIOMETRICS_CURATE)
def query_detail(request, pk: int):
    query = get_object_or_404(selectors.saved_queries(), pk=pk)
    runs = query.runs.select_related("job").order_by("-created_at")[:20]
    return render(request, "bibliometrics/query_detail.html", {"query": query, "runs": runs})


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def query_refresh(request, pk: int):
    query = get_object_or_404(selectors.saved_queries(), pk=pk)
    run = services.saved_query_refresh_enqueue(query=query, by=request.user)
    messages.success(request, _("Rafraîchissement lancé."))
    return redirect(run.job)


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def query_confirm(request, pk: int):
    query = get_object_or_404(selectors.saved_queries(), pk=pk)
    try:
        run = services.saved_query_confirm(query=query, by=request.user)
    except JobError as exc:
        messages.error(request, message_text(str(exc)))
        return redirect(query)
    messages.success(request, _("Import confirmé et lancé."))
    return redirect(run.job)


@capability_required(Capability.BIBLIOMETRICS_CURATE)
def affiliation_correct(request, pk: int):
    affiliation = get_object_or_404(Affiliation, pk=pk)
    initial = {
        "actor_types": affiliation.actor_types or [affiliation.actor_type],
        "institution": affiliation.institution,
        "city": affiliation.city,
        "country": affiliation.country,
    }
    form = AffiliationCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        count = services.affiliation_correct(
            affiliation=affiliation, by=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("Correction appliquée à %(count)s affiliations de même texte.") % {"count": count},
        )
        return redirect("bibliometrics:affiliation-correct", pk=affiliation.pk)
    publications = (
        selectors.publications_visible_to(request.user)
        .filter(authorships__affiliations__norm_hash=affiliation.norm_hash or "-")
        .distinct()
    )
    return render(
        request,
        "bibliometrics/affiliation_correct.html",
        {"affiliation": affiliation, "form": form, "publications": publications[:50],
         "count": publications.count()},
    )  # fmt: skip


@require_POST
@capability_required(Capability.BIBLIOMETRICS_CURATE)
def citations_refresh(request):
    job = services.citations_refresh_enqueue(by=request.user)
    messages.success(request, _("Mise à jour des citations lancée."))
    return redirect(job)
