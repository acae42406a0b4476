"""Pages of the OMOP vocabularies (``data`` role): releases, loading, alignment, review."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omop.etl import alignment as alignment_engine
from omop.etl.athena import VocabularyError
from omop.selectors import etl_jobs_visible_to
from portal.permissions import capability_required
from portal.roles import Capability

from . import selectors, services
from .forms import MappingDecisionForm, VocabularyLoadForm
from .messages import error_message
from .models import MappingSetVersion

CAPABILITY = Capability.OMOP_VOCABULARY


@capability_required(CAPABILITY)
def vocabulary_home(request):
    form = VocabularyLoadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.vocabulary_load_enqueue(
                by=request.user,
                source_path=form.cleaned_data.get("source_path") or "",
                upload=form.cleaned_data.get("upload"),
            )
        except VocabularyError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Chargement des vocabulaires lancé."))
            return redirect(job)
    return render(
        request,
        "omop/vocabulary/home.html",
        {
            "form": form,
            "current": selectors.current_release(),
            "releases": selectors.releases()[:20],
            "versions": selectors.mapping_versions()[:20],
            "decisions": selectors.decisions()[:20],
            "runs": _runs(request.user)[:20],
        },
    )


def _runs(user):
    return etl_jobs_visible_to(user).filter(job__status="succeeded").order_by("-created_at")


def _output(request, pk):
    try:
        pk = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    etl_job = get_object_or_404(_runs(request.user), pk=pk)
    path = etl_job.output_path
    if etl_job.output_format not in ("csv", "parquet") or not path.is_dir():
        raise Http404
    return etl_job, path


@capability_required(CAPABILITY)
def alignment(request, pk):
    etl_job, path = _output(request, pk)
    measured = selectors.alignment_of(path)
    return render(
        request,
        "omop/vocabulary/alignment.html",
        {"etl_job": etl_job, "alignment": measured, "runs": _runs(request.user)[:50]},
    )


@capability_required(CAPABILITY)
def alignment_compare(request):
    before_job, before = _output(request, request.GET.get("avant"))
    after_job, after = _output(request, request.GET.get("apres"))
    rows = alignment_engine.compare(selectors.alignment_of(before), selectors.alignment_of(after))
    return render(
        request,
        "omop/vocabulary/compare.html",
        {"before": before_job, "after": after_job, "rows": rows},
    )


@capability_required(CAPABILITY)
def review(request, pk):
    etl_job, path = _output(request, pk)
    vocabulary = request.GET.get("vocabulaire", "")
    measured = selectors.alignment_of(path)
    codes = measured["unmapped"].get(vocabulary, [])[:25] if vocabulary else []
    search = request.GET.get("q", "").strip()
    items = []
    for code in codes:
        label = code["label"] or code["source_value"]
        items.append({**code, "candidates": selectors.candidates(label, limit=3)})
    return render(
        request,
        "omop/vocabulary/review.html",
        {
            "etl_job": etl_job,
            "vocabulary": vocabulary,
            "vocabularies": sorted(measured["unmapped"]),
            "items": items,
            "search": search,
            "found": selectors.candidates(search, limit=20) if search else [],
            "loaded": measured["vocabulary_loaded"],
        },
    )


@require_POST
@capability_required(CAPABILITY)
def decide(request, pk):
    etl_job, _path = _output(request, pk)
    form = MappingDecisionForm(request.POST)
    query = urlencode({"vocabulaire": request.POST.get("source_vocabulary_id", "")})
    back = redirect(f"{reverse('omop:review', args=[etl_job.pk])}?{query}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    data = form.cleaned_data
    try:
        services.mapping_decide(
            source_vocabulary_id=data["source_vocabulary_id"],
            source_code=data["source_code"],
            status=data["status"],
            by=request.user,
            target_concept_id=data.get("target_concept_id") or 0,
            source_name=data.get("source_name") or "",
            source_frequency=data.get("source_frequency") or 0,
            match_score=data.get("match_score") or 0.0,
            comment=data.get("comment") or "",
        )
    except VocabularyError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Décision enregistrée dans une nouvelle version de la table."))
    return back


@capability_required(CAPABILITY)
def stcm_export(request):
    number = request.GET.get("version")
    version = None
    if number:
        if not number.isdigit():
            raise Http404
        version = get_object_or_404(MappingSetVersion, number=int(number))
    rows = services.stcm_rows(version).order_by("source_vocabulary_id", "source_code")
    name = f"source_to_concept_map_v{version.number if version else 'courante'}.csv"
    response = HttpResponse(services.stcm_export_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@capability_required(CAPABILITY)
def usagi_export(request):
    content = services.usagi_export_csv(selectors.decisions().order_by("decided_at"))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="usagi_export.csv"'
    return response
