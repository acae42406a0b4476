from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .errors import PortalError
from .health import current_health
from .home import cards_for
from .jobs import JobError, job_cancel, job_retry
from .navigation import sitemap_sections
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
    except PortalError as exc:  # a JobError, or the app's refusal from its retry hook
        messages.error(request, str(exc))
        return redirect(job)
    messages.success(request, _("Tâche relancée."))
    return redirect(new_job)


# --- Error pages (DSFR, in the page's language, with a way back) ----------------------


def _error_page(request, template: str, status: int):
    return render(request, template, {"status": status}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    # Also what another user's object answers: the same page as a missing one.
    return _error_page(request, "404.html", 404)


def server_error(request):
    """The DSFR 500 page; Django's bare one if the page itself cannot be drawn."""
    try:
        return _error_page(request, "500.html", 500)
    except Exception:  # noqa: BLE001 - the error page must not raise in its turn
        from django.views.defaults import server_error as bare_server_error

        return bare_server_error(request)


# --- Information pages of the footer --------------------------------------------------

INFO_PAGES = {
    # slug: (title, template stem)
    "accessibilite": (_lazy("Déclaration d’accessibilité"), "accessibility"),
    "mentions-legales": (_lazy("Mentions légales"), "legal"),
    "donnees-personnelles": (_lazy("Données personnelles"), "privacy"),
    "cookies": (_lazy("Gestion des cookies"), "cookies"),
    "plan-du-site": (_lazy("Plan du site"), "sitemap"),
    "parametres-affichage": (_lazy("Paramètres d’affichage"), "display"),
}


def info_page(request, slug):
    """A footer page. Long texts are written once per language (``<stem>.fr.html`` /
    ``<stem>.en.html``) rather than sentence by sentence in the catalogue of messages."""
    if slug not in INFO_PAGES:
        raise Http404
    title, stem = INFO_PAGES[slug]
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    context = {"title": title, "slug": slug, "body": f"portal/pages/{stem}.{language}.html"}
    if slug == "plan-du-site":
        context["sections"] = sitemap_sections(request)
    return render(request, "portal/pages/page.html", context)
