"""Pages of the dossiers. Every dossier is fetched through ``dossiers_visible_to`` (someone
else's dossier answers 404); role checks on a visible dossier answer 403."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.permissions import capability_required
from portal.roles import can
from portal.spreadsheets import csv_dict_writer, csv_writer
from portal.uploads import upload_limit

from . import services
from .forms import (
    DocumentForm,
    DossierForm,
    MessageForm,
    RapporteurForm,
    ReportForm,
    RequestedDataForm,
    ResultsForm,
    TeamMemberForm,
    TransitionForm,
)
from .models import Message, Route, Status
from .rules import (
    can_edit,
    can_manage_team,
    can_post_thread,
    can_upload,
    is_assigned_rapporteur,
    is_hdh_staff,
    is_instructor,
    is_leader,
    team_role,
)
from .selectors import (
    REQUESTED_PREFETCH,
    assignments_visible_to,
    dossier_search,
    dossiers_public,
    dossiers_visible_to,
    messages_visible_to,
)
from .serializers import PUBLIC_FIELDS, public_row
from .stats import dashboard_figures


def _dossier(request, reference: str):
    return get_object_or_404(
        dossiers_visible_to(request.user).select_related("owner"), reference=reference
    )


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip() for k in ("q", "route", "status", "year")}


def _form_page(
    request,
    dossier,
    form,
    *,
    title: str,
    submit: str,
    enctype: bool = False,
    warning: str = "",
    destructive: bool = False,
    status: int = 200,
):
    return render(
        request,
        "access_requests/form.html",
        {
            "dossier": dossier,
            "form": form,
            "title": title,
            "submit": submit,
            "multipart": enctype,
            "warning": warning,
            "destructive": destructive,
        },
        status=status,
    )


@login_required
def dossier_list(request):
    filters = _filters(request)
    qs = dossier_search(dossiers_visible_to(request.user), **filters).select_related("owner")
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "access_requests/list.html",
        {
            "page": page,
            "filters": filters,
            "routes": Route.choices,
            "statuses": Status.choices,
            "today": timezone.localdate(),
            "can_create": can(request.user, "dossier.create"),
        },
    )


@capability_required("dossier.create")
def dossier_create(request):
    form = DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dossier = services.dossier_create(by=request.user, **data)
        messages.success(request, _("Dossier %(ref)s créé.") % {"ref": dossier.reference})
        return redirect(dossier)
    return _form_page(
        request, None, form, title=_("Nouveau dossier"), submit=_("Créer le brouillon")
    )


@login_required
def dossier_detail(request, reference):
    dossier = _dossier(request, reference)
    user = request.user
    staff = is_hdh_staff(user)
    context = {
        "dossier": dossier,
        "today": timezone.localdate(),
        "transitions": services.available_transitions(user, dossier),
        "team": dossier.team.select_related("user"),
        "requested": dossier.requested_data.select_related("database", "table__database"),
        "documents": dossier.documents.select_related("uploaded_by"),
        "history": dossier.history.select_related("actor"),
        "thread": messages_visible_to(user, dossier).filter(kind=Message.Kind.THREAD),
        "notes": messages_visible_to(user, dossier).filter(kind=Message.Kind.INTERNAL)
        if staff
        else [],
        "complements": dossier.complements.all(),
        "assignments": assignments_visible_to(user, dossier),
        "my_role": team_role(user, dossier),
        "can_edit": can_edit(user, dossier),
        "can_upload": can_upload(user, dossier),
        "can_post": can_post_thread(user, dossier),
        "can_note": staff,
        "can_team": can_manage_team(user, dossier),
        "can_assign": is_instructor(user),
        "can_report": is_assigned_rapporteur(user, dossier),
        "can_results": dossier.status in (Status.IN_PROGRESS, Status.CLOSED)
        and (is_leader(user, dossier) or can(user, "dossier.follow")),
        "can_renew": is_instructor(user) and dossier.status == Status.CNIL_REVIEW,
        "message_form": MessageForm(),
        # the other side of a redirection, when this user may see it
        "successor": dossiers_visible_to(user).filter(redirected_from=dossier).first(),
        "predecessor": dossiers_visible_to(user).filter(pk=dossier.redirected_from_id).first()
        if dossier.redirected_from_id
        else None,
    }
    return render(request, "access_requests/detail.html", context)


@login_required
def dossier_edit(request, reference):
    dossier = _dossier(request, reference)
    if not can_edit(request.user, dossier):
        raise PermissionDenied
    form = DossierForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        services.dossier_update(dossier=dossier, by=request.user, data=form.cleaned_data)
        messages.success(request, _("Dossier enregistré."))
        return redirect(dossier)
    return _form_page(
        request, dossier, form, title=_("Modifier le dossier"), submit=_("Enregistrer")
    )


@login_required
def dossier_action(request, reference, name):
    dossier = _dossier(request, reference)
    spec = services.TRANSITIONS.get(name)
    if spec is None:
        raise Http404
    if not services.ACTORS[spec.actor](request.user, dossier):
        raise PermissionDenied
    form = TransitionForm(request.POST or None, transition=name)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_transition(
                dossier=dossier,
                name=name,
                by=request.user,
                comment=form.cleaned_data["comment"],
                **form.params(),
            )
        except services.DossierError as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            dossier.refresh_from_db()
            messages.success(
                request,
                _("Étape enregistrée : %(status)s.") % {"status": dossier.get_status_display()},
            )
            return redirect(dossier)
    warning = ""
    if request.method == "GET" and not services.may_act(request.user, dossier, name):
        warning = _("Cette étape n'est pas possible dans l'état actuel du dossier (%(s)s).") % {
            "s": dossier.get_status_display()
        }
    return _form_page(
        request,
        dossier,
        form,
        title=str(spec.label),
        submit=str(spec.label),
        warning=warning,
        destructive=spec.destructive,
        status=status,
    )


def _service_form(
    request,
    dossier,
    form,
    call,
    *,
    success: str,
    title: str,
    submit: str,
    multipart: bool = False,
    next_url: str = "",
):
    """Render ``form``; on a valid POST run ``call(cleaned_data)`` and go back to the dossier.
    A :class:`~access_requests.services.DossierError` becomes a form error (HTTP 409)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except services.DossierError as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, success)
            warning = result[1] if isinstance(result, tuple) else ""
            if warning:
                messages.warning(request, warning)
            return redirect(next_url or dossier.get_absolute_url())
    return _form_page(
        request, dossier, form, title=title, submit=submit, enctype=multipart, status=status
    )


@login_required
@upload_limit("ACCESS_DOCUMENT_MAX_BYTES")
def document_upload(request, reference):
    dossier = _dossier(request, reference)
    if not can_upload(request.user, dossier):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        DocumentForm(request.POST or None, request.FILES or None),
        lambda d: services.document_add(
            dossier=dossier, by=request.user, kind=d["kind"], upload=d["file"]
        ),
        success=_("Document déposé."),
        title=_("Déposer un document"),
        submit=_("Déposer"),
        multipart=True,
    )


@login_required
def document_download(request, reference, pk):
    dossier = _dossier(request, reference)
    document = get_object_or_404(dossier.documents, pk=pk)
    response = FileResponse(
        services.document_open(document=document, by=request.user),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def message_post(request, reference):
    dossier = _dossier(request, reference)
    kind = request.POST.get("kind") or request.GET.get("kind") or Message.Kind.THREAD
    internal = kind == Message.Kind.INTERNAL
    if not (is_hdh_staff(request.user) if internal else can_post_thread(request.user, dossier)):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        MessageForm(request.POST or None, initial={"kind": kind}),
        lambda d: services.message_post(
            dossier=dossier, by=request.user, body=d["body"], kind=d["kind"]
        ),
        success=_("Message envoyé."),
        title=_("Note interne") if internal else _("Écrire au guichet / au porteur"),
        submit=_("Envoyer"),
        next_url=dossier.get_absolute_url() + "#messages",
    )


@login_required
def team_add(request, reference):
    dossier = _dossier(request, reference)
    if not can_manage_team(request.user, dossier):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        TeamMemberForm(request.POST or None),
        lambda d: services.team_member_add(
            dossier=dossier, by=request.user, user=d["username"], role=d["role"]
        ),
        success=_("Membre ajouté à l'équipe."),
        title=_("Ajouter un membre"),
        submit=_("Ajouter"),
    )


@login_required
def team_remove(request, reference, member_id):
    dossier = _dossier(request, reference)
    member = get_object_or_404(dossier.team.select_related("user"), pk=member_id)
    if not can_manage_team(request.user, dossier):
        raise PermissionDenied
    if request.method != "POST":  # after the checks: a GET tells nothing to who may not
        return HttpResponseNotAllowed(["POST"])
    services.team_member_remove(member=member, by=request.user)
    name = member.user.get_full_name() or member.user.get_username()
    messages.success(request, _("%(name)s ne fait plus partie de l'équipe.") % {"name": name})
    return redirect(dossier.get_absolute_url() + "#equipe")


@login_required
def data_add(request, reference):
    dossier = _dossier(request, reference)
    if not can_edit(request.user, dossier):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        RequestedDataForm(request.POST or None),
        lambda d: services.requested_data_add(dossier=dossier, by=request.user, **d),
        success=_("Donnée demandée ajoutée."),
        title=_("Demander des données"),
        submit=_("Ajouter"),
    )


@login_required
def rapporteur_assign(request, reference):
    dossier = _dossier(request, reference)
    if not is_instructor(request.user):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        RapporteurForm(request.POST or None),
        lambda d: services.rapporteur_assign(
            dossier=dossier, by=request.user, rapporteur=d["rapporteur"]
        ),
        success=_("Rapporteur désigné."),
        title=_("Désigner un rapporteur"),
        submit=_("Désigner"),
    )


@login_required
def report_file(request, reference):
    dossier = _dossier(request, reference)
    assignment = dossier.assignments.filter(rapporteur=request.user).first()
    if assignment is None:
        raise PermissionDenied
    initial = {"report": assignment.report, "recommended_opinion": assignment.recommended_opinion}
    return _service_form(
        request,
        dossier,
        ReportForm(request.POST or None, initial=initial),
        lambda d: services.rapporteur_report_file(dossier=dossier, by=request.user, **d),
        success=_("Rapport déposé."),
        title=_("Rapport du rapporteur"),
        submit=_("Déposer le rapport"),
    )


@login_required
def cnil_renew(request, reference):
    dossier = _dossier(request, reference)
    if not is_instructor(request.user):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        TransitionForm(request.POST or None, transition="renew"),
        lambda d: services.cnil_deadline_renew(
            dossier=dossier, by=request.user, comment=d["comment"]
        ),
        success=_("Délai de la CNIL prolongé."),
        title=_("Prolonger le délai de la CNIL"),
        submit=_("Prolonger"),
    )


@login_required
def results_publish(request, reference):
    dossier = _dossier(request, reference)
    if not (is_leader(request.user, dossier) or can(request.user, "dossier.follow")):
        raise PermissionDenied
    return _service_form(
        request,
        dossier,
        ResultsForm(request.POST or None, initial={"summary": dossier.results_summary}),
        lambda d: services.results_publish(dossier=dossier, by=request.user, summary=d["summary"]),
        success=_("Résultats publiés au répertoire."),
        title=_("Publier les résultats"),
        submit=_("Publier"),
    )


@login_required
def dashboard(request):
    if not (can(request.user, "dossier.instruct") or can(request.user, "dossier.follow")):
        raise PermissionDenied
    qs = dossiers_visible_to(request.user)
    return render(request, "access_requests/dashboard.html", dashboard_figures(qs))


@login_required
def dossier_export(request):
    """CSV of the dossiers the user sees (same selector as every other page)."""
    qs = dossier_search(dossiers_visible_to(request.user), **_filters(request)).select_related(
        "owner"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dossiers.csv"'
    writer = csv_writer(response)
    header = [
        "reference",
        "title",
        "route",
        "status",
        "owner",
        "data_controller",
        "submitted_on",
        "due_on",
        "cesrees_opinion",
        "cnil_decision",
    ]
    writer.writerow(header)
    for d in qs:
        writer.writerow(
            [
                d.reference,
                d.title,
                d.route,
                d.status,
                d.owner.get_username(),
                d.data_controller,
                d.submitted_on or "",
                d.due_on or "",
                d.cesrees_opinion,
                d.cnil_decision,
            ]
        )
    return response


# --- Public directory -----------------------------------------------------------------
def _public_qs(request):
    filters = _filters(request)
    return dossier_search(dossiers_public(), **filters).order_by("-submitted_on", "-id"), filters


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def directory(request):
    qs, filters = _public_qs(request)
    page = Paginator(qs.prefetch_related(*REQUESTED_PREFETCH), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "access_requests/directory.html",
        {
            "page": page,
            "filters": filters,
            "routes": Route.choices,
            "statuses": Status.choices,
            "querystring": request.GET.urlencode(),
        },
    )


def directory_detail(request, reference):
    dossier = get_object_or_404(dossiers_public(), reference=reference)
    requested = dossier.requested_data.select_related("database", "table__database")
    return render(
        request,
        "access_requests/directory_detail.html",
        {"dossier": dossier, "requested": requested},
    )


def directory_export(request, fmt):
    """The directory as open data (CSV or JSON), with the same filters as the page."""
    qs, _filters_used = _public_qs(request)
    rows = [public_row(d) for d in qs.prefetch_related(*REQUESTED_PREFETCH)]
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=1, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="repertoire-projets.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="repertoire-projets.csv"'
    writer = csv_dict_writer(response, fieldnames=PUBLIC_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {**row, "requested_data": " | ".join(item["name"] for item in row["requested_data"])}
        )
    return response
