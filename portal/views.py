from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .home import cards_for
from .jobs import JobError, job_cancel, job_retry
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
    """State of the database, the broker and the workers: 200 when all are up, else 503."""
    from .celery import app

    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - a health probe reports, it does not raise
        checks["database"] = {"ok": False, "error": str(exc)}
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = {"ok": True, "transport": conn.transport_cls}
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = {"ok": False, "error": str(exc)}
    if checks["broker"]["ok"]:
        try:
            replies = app.control.ping(timeout=2.0) or []
            workers = sorted(name for reply in replies for name in reply)
            checks["worker"] = {"ok": bool(workers), "workers": workers}
        except Exception as exc:  # noqa: BLE001
            checks["worker"] = {"ok": False, "error": str(exc)}
    else:
        checks["worker"] = {"ok": False, "error": "broker unreachable"}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503
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
