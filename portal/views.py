from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .health import current_health
from .home import cards_for
from .jobs import JobError, job_cancel, job_retry
from .roles import is_staff_member
from .selectors import jobs_visible_to


def home(request):
    """Public landing page; after login, one card per app with what is waiting."""
    context = {}
    if request.user.is_authenticated:
        context["cards"] = cards_for(request.user)
        context["recent_jobs"] = jobs_visible_to(request.user).select_related("created_by")[:5]
    return render(request, "portal/home.html", context)


@never_cache
def healthz(request):
    """For machines: database, broker, workers → 200 or 503, in a few milliseconds.

    Anonymous callers learn only what is up; staff also see the database type and the
    workers' names (host names).
    """
    health = current_health()
    return JsonResponse(
        health.as_json(details=is_staff_member(request.user)), status=200 if health.ok else 503
    )


@never_cache
def status_page(request):
    """For people: the same checks, in words, in the portal's look."""
    health = current_health()
    return render(
        request,
        "portal/status.html",
        {"health": health, "details": is_staff_member(request.user)},
        status=200,
    )


@login_required
def job_list(request):
    jobs = jobs_visible_to(request.user).select_related("created_by")[:200]
    return render(request, "portal/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    return render(request, "portal/job_detail.html", {"job": job})


@login_required
def job_status(request, pk):
    """The live fragment polled by htmx while the job runs."""
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    return render(request, "portal/_job_status.html", {"job": job})


@login_required
@require_POST
def job_cancel_view(request, pk):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    try:
        job_cancel(job=job, by=request.user)
        messages.success(request, _("Annulation demandée."))
    except JobError as exc:
        messages.error(request, str(exc))
    return redirect(job)


@login_required
@require_POST
def job_retry_view(request, pk):
    job = get_object_or_404(jobs_visible_to(request.user), pk=pk)
    try:
        new_job = job_retry(job=job, by=request.user)
    except JobError as exc:
        messages.error(request, str(exc))
        return redirect(job)
    messages.success(request, _("Tâche relancée."))
    return redirect(new_job)
