"""Pages of the OMOP conversions (``data`` role and admins): list, new job, job, results."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.jobs import JobError
from portal.models import Job
from portal.permissions import capability_required
from portal.roles import Capability
from portal.uploads import upload_limit

from . import services
from .forms import EtlJobForm, JobFilterForm
from .models import EtlJob
from .selectors import etl_job_search, etl_jobs_visible_to

CAPABILITY = Capability.OMOP_RUN


def _get(request, pk) -> EtlJob:
    return get_object_or_404(etl_jobs_visible_to(request.user), pk=pk)


@capability_required(CAPABILITY)
def job_list(request):
    filters = JobFilterForm(request.GET or None)
    qs = etl_jobs_visible_to(request.user)
    if filters.is_valid():
        qs = etl_job_search(qs, **filters.cleaned_data)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "omop/job_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@capability_required(CAPABILITY)
@upload_limit("OMOP_UPLOAD_MAX_BYTES")
def job_create(request):
    form = EtlJobForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            etl_job = services.etl_job_create(
                source=data["source"],
                by=request.user,
                engine=data["engine"],
                output_format=data["output_format"],
                target=data["target"],
                source_path=data.get("source_path") or "",
                upload=data.get("upload"),
                persons=data.get("persons"),
                seed=data.get("seed"),
                window_start=data.get("window_start"),
                window_end=data.get("window_end"),
            )
        except services.EtlInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Conversion lancée."))
            return redirect(etl_job)
    return render(request, "omop/job_form.html", {"form": form})


@capability_required(CAPABILITY)
def job_detail(request, pk):
    etl_job = _get(request, pk)
    return render(
        request,
        "omop/job_detail.html",
        {
            "etl_job": etl_job,
            "job": etl_job.job,
            "report": etl_job.report,
            "downloadable": _downloadable(etl_job),
            "download_limit_mb": services.download_max_bytes() // 2**20,
        },
    )


def _downloadable(etl_job: EtlJob) -> bool:
    return (
        etl_job.job.status == Job.Status.SUCCEEDED
        and etl_job.output_bytes is not None
        and etl_job.output_bytes <= services.download_max_bytes()
    )


@capability_required(CAPABILITY)
def job_progress(request, pk):
    """The per-step fragment polled by htmx while the job runs."""
    etl_job = _get(request, pk)
    response = render(request, "omop/_steps.html", {"etl_job": etl_job, "job": etl_job.job})
    if etl_job.job.is_finished and request.headers.get("HX-Request"):
        # The report, the results link and the buttons come with the full page.
        response["HX-Refresh"] = "true"
    return response


def _job_step(request, pk, step, *, refused, said):
    """A button of a conversion's page: the service ``step`` runs on it, then on to what it
    returns with ``said(returned)``; what the service refuses is said on the conversion's page."""
    etl_job = _get(request, pk)
    try:
        returned = step(etl_job=etl_job, by=request.user)
    except refused as exc:
        messages.error(request, str(exc))
        return redirect(etl_job)
    messages.success(request, said(returned))
    return redirect(returned)


@capability_required(CAPABILITY)
@require_POST
def job_cancel(request, pk):
    return _job_step(
        request,
        pk,
        services.etl_job_cancel,
        refused=JobError,
        said=lambda etl_job: _("Annulation demandée."),
    )


@capability_required(CAPABILITY)
@require_POST
def job_retry(request, pk):
    return _job_step(
        request,
        pk,
        services.etl_job_retry,
        refused=services.EtlInputError,
        said=lambda new: _("Conversion relancée."),
    )


@capability_required(CAPABILITY)
@require_POST
def job_register(request, pk):
    return _job_step(
        request,
        pk,
        services.etl_job_register_in_catalogue,
        refused=services.EtlInputError,
        said=lambda database: (
            _("Sortie décrite dans le catalogue : %(name)s.") % {"name": database.name}
        ),
    )


@capability_required(CAPABILITY)
def job_download(request, pk):
    etl_job = _get(request, pk)
    try:
        archive = services.etl_job_output_zip(etl_job=etl_job, by=request.user)
    except services.EtlInputError as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"omop-{etl_job.target}.zip",
        content_type="application/zip",
    )


@capability_required(CAPABILITY)
def job_results(request, pk):
    etl_job = _get(request, pk)
    if etl_job.job.status != Job.Status.SUCCEEDED or not etl_job.results:
        raise Http404(_("Cette conversion n'a pas de résultats."))
    return render(
        request,
        "omop/job_results.html",
        {"etl_job": etl_job, "results": etl_job.results, "charts": _charts(etl_job.results)},
    )


def _number(value) -> int | None:
    return value if isinstance(value, int) else None


def _charts(results: dict) -> dict:
    """Chart data for Plotly: suppressed cells are left out (shown in the tables only)."""
    pyramid = results.get("pyramid") or {}
    bands = pyramid.get("bands") or []
    sex = results.get("sex") or []
    labels = {"M": _("Hommes"), "F": _("Femmes"), "?": _("Inconnu")}

    def top(key):
        block = results.get(key) or {}
        items = [i for i in block.get("items", []) if _number(i["count"]) is not None]
        return {
            "labels": [f"{i['value']} {i['label']}".strip() for i in items],
            "values": [i["count"] for i in items],
        }

    return {
        "pyramid": {
            "labels": [b["label"] for b in bands],
            "male": [-(_number(b["male_count"]) or 0) for b in bands],
            "female": [_number(b["female_count"]) or 0 for b in bands],
            "male_name": _("Hommes"),
            "female_name": _("Femmes"),
        },
        "sex": {
            "labels": [labels.get(c["sex"], c["sex"]) for c in sex if _number(c["count"])],
            "values": [c["count"] for c in sex if _number(c["count"])],
            "codes": [c["sex"] for c in sex if _number(c["count"])],
        },
        "visits": top("visit_concepts"),
        "drugs": top("drug_source_values"),
        "procedures": top("procedure_source_values"),
        "chapters": top("condition_chapters"),
        "conditions": top("condition_source_values"),
        "measurements": top("measurement_source_values"),
        "devices": top("device_source_values"),
        "observations": top("observation_source_values"),
    }
