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
from portal.roles import Capability, can
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
from .needs import needs_outline, render_odt, render_pdf
from .progress import dossier_progress
from .rules import (
    can_edit,
    can_manage_team,
    can_post_thread,
    can_publish_results,
    can_upload,
    is_assigned_rapporteur,
    is_hdh_staff,
    is_instructor,
    submission_checklist,
    team_role,
)
from .selectors import (
    REQUESTED_PREFETCH,
    assignments_visible_to,
    dossier_search,
    dossiers_public,
    dossiers_visible_to,
    guichet_queue,
    messages_visible_to,
    unread_counts,
    unread_messages,
)
from .serializers import PUBLIC_FIELDS, public_row
from .stats import dashboard_figures


def _dossier(request, reference: str, *, may=None):
    """The dossier, if the user sees it (404 otherwise: we don't confirm that someone else's
    dossier exists); with ``may(user, dossier)``, if the user may also act on it (403)."""
    dossier = get_object_or_404(
        dossiers_visible_to(request.user).select_related("owner"), reference=reference
    )
    if may is not None and not may(request.user, dossier):
        raise PermissionDenied
    return dossier


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
    unread = unread_counts(request.user)
    only_unread = bool(request.GET.get("non_lus"))
    if only_unread:
        qs = qs.filter(pk__in=list(unread))
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "access_requests/list.html",
        {
            "page": page,
            "progress": {d.pk: dossier_progress(d, request.user, today) for d in page},
            "filters": filters,
            "routes": Route.choices,
            "statuses": Status.choices,
            "today": timezone.localdate(),
            "can_create": can(request.user, Capability.DOSSIER_CREATE),
            "can_dashboard": can(request.user, Capability.DOSSIER_INSTRUCT)
            or can(request.user, Capability.DOSSIER_FOLLOW),
            "can_queue": can(request.user, Capability.DOSSIER_INSTRUCT),
            "unread": unread,
            "only_unread": only_unread,
        },
    )


def _dossier_form_page(request, dossier, *, save, saved, title: str, submit: str):
    """The sectioned form, with its error summary and the draft's data, team and pieces.

    A valid form is saved by ``save(data) -> Dossier`` (a service: what it refuses shows as
    the form's error), then ``saved(dossier)`` is said and the dossier shown."""
    form = DossierForm(request.POST or None, instance=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = save(dict(form.cleaned_data))
        except services.DossierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, saved(dossier))
            return redirect(dossier)
    return render(
        request,
        "access_requests/dossier_form.html",
        {
            "dossier": dossier,
            "form": form,
            "title": title,
            "submit": submit,
            "checklist": submission_checklist(dossier) if dossier else [],
            "requested": dossier.requested_data.select_related("database", "table__database")
            if dossier
            else [],
            "documents": dossier.documents.all() if dossier else [],
            "team": dossier.team.select_related("user") if dossier else [],
        },
    )


def _autosaved_draft(request):
    """The draft an earlier autosave of this page created (its reference comes back in the
    form), checked through the selector and the edit rule like any other edit."""
    reference = request.POST.get("autosave_reference", "").strip()
    if not reference:
        return None
    return _dossier(request, reference, may=can_edit)


def _valid_part(form) -> dict:
    """The fields that passed validation (an autosave keeps them and leaves the rest)."""
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


@capability_required(Capability.DOSSIER_CREATE)
def dossier_create(request):
    draft = _autosaved_draft(request) if request.method == "POST" else None

    def save(data):
        if draft is None:
            return services.dossier_create(by=request.user, **data)
        return services.dossier_update(dossier=draft, by=request.user, data=data)

    return _dossier_form_page(
        request,
        draft,
        save=save,
        saved=lambda dossier: _("Dossier %(ref)s créé.") % {"ref": dossier.reference},
        title=_("Nouveau dossier"),
        submit=_("Enregistrer le brouillon"),
    )


@login_required
def dossier_autosave(request):
    """Save as you go (htmx, on every change): the valid fields are saved, the first save
    of a new dossier creates its draft. Answers the fragment that says what was saved."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    dossier = _autosaved_draft(request)  # checks the edit rule when the draft exists
    if dossier is None and not can(request.user, Capability.DOSSIER_CREATE):
        raise PermissionDenied
    form = DossierForm(request.POST, instance=dossier)
    form.is_valid()
    data = _valid_part(form)
    error = ""
    try:
        if dossier is None:
            if data.get("title"):
                dossier = services.dossier_create(by=request.user, **data)
        elif data:
            services.dossier_update(dossier=dossier, by=request.user, data=data)
    except services.DossierError as exc:
        error = str(exc)
    return render(
        request,
        "access_requests/_autosave.html",
        {
            "dossier": dossier,
            "errors": len(form.errors),
            "error": error,
            "saved_at": timezone.localtime(),
        },
    )


@login_required
def dossier_detail(request, reference):
    dossier = _dossier(request, reference)
    user = request.user
    staff = is_hdh_staff(user)
    unread_ids = set(unread_messages(user).filter(dossier=dossier).values_list("pk", flat=True))
    transitions = services.available_transitions(user, dossier)
    blocked = services.blocked_transitions(user, dossier)
    porteur_may_submit = any(t.name == "submit" for t in transitions) or any(
        spec.name == "submit" for spec, _reason in blocked
    )
    context = {
        "dossier": dossier,
        "today": timezone.localdate(),
        "progress": dossier_progress(dossier, user),
        "transitions": transitions,
        "blocked": blocked,
        "checklist": submission_checklist(dossier) if porteur_may_submit else [],
        "unread_ids": unread_ids,
        "needs_formats": NEEDS_FORMATS,
        "team": dossier.team.select_related("user"),
        "requested": dossier.requested_data.select_related(
            "database", "table__database"
        ).prefetch_related("variables"),
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
        and can_publish_results(user, dossier),
        "can_renew": is_instructor(user) and dossier.status == Status.CNIL_REVIEW,
        "message_form": MessageForm(),
        # the other side of a redirection, when this user may see it
        "successor": dossiers_visible_to(user).filter(redirected_from=dossier).first(),
        "predecessor": dossiers_visible_to(user).filter(pk=dossier.redirected_from_id).first()
        if dossier.redirected_from_id
        else None,
        "pending_complement": dossier.complements.filter(answered_at__isnull=True).last(),
        "reports_filed": dossier.assignments.filter(report_filed_at__isnull=False).count(),
        "reports_total": dossier.assignments.count(),
        "opinion_options": [
            t for t in transitions if t.name in ("go_to_cnil", "correct", "withdraw")
        ]
        if dossier.status == Status.CESREES_OPINION
        else [],
    }
    response = render(request, "access_requests/detail.html", context)
    services.messages_mark_read(dossier=dossier, user=user)  # after the page showed them new
    return response


@login_required
def dossier_edit(request, reference):
    dossier = _dossier(request, reference, may=can_edit)
    return _dossier_form_page(
        request,
        dossier,
        save=lambda data: services.dossier_update(dossier=dossier, by=request.user, data=data),
        saved=lambda dossier: _("Dossier enregistré."),
        title=_("Modifier le dossier"),
        submit=_("Enregistrer"),
    )


@login_required
def dossier_action(request, reference, name):
    dossier = _dossier(request, reference)
    spec = services.TRANSITIONS.get(name)
    if spec is None:
        raise Http404
    if not spec.actor.may(request.user, dossier):
        raise PermissionDenied
    form = TransitionForm(request.POST or None, transition=name)
    status = 200
    confirmed = request.POST.get("confirmed") == "1"
    if request.method == "POST" and "back" in request.POST:
        form = TransitionForm(initial=request.POST.dict(), transition=name)
    elif request.method == "POST" and form.is_valid() and spec.confirm and not confirmed:
        # Steps that cannot be undone: say what will happen, then ask again.
        return render(
            request,
            "access_requests/confirm.html",
            {
                "dossier": dossier,
                "spec": spec,
                "summary": form.summary(),
                "posted": [(k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"],
            },
        )
    elif request.method == "POST" and form.is_valid():
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
        warning = services.transition_blocker(dossier, name) or _(
            "Cette étape n'est pas possible dans l'état actuel du dossier (%(s)s)."
        ) % {"s": dossier.get_status_display()}
    return render(
        request,
        "access_requests/form.html",
        {
            "dossier": dossier,
            "form": form,
            "title": str(spec.label),
            "submit": _("Continuer") if spec.confirm else str(spec.label),
            "warning": warning,
            "consequence": spec.consequence,
            "destructive": spec.destructive,
            "disabled": bool(warning),
        },
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
    dossier = _dossier(request, reference, may=can_upload)
    return _service_form(
        request,
        dossier,
        # the checklist links here with the kind of piece it misses
        DocumentForm(
            request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
        ),
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
    dossier = _dossier(request, reference, may=can_manage_team)
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
    name = member.user.get_full_name() or member.user.get_username()
    if request.method != "POST":  # after the checks: say what will happen, ask to confirm
        return _confirm_removal(
            request,
            dossier,
            title=_("Retirer %(name)s de l'équipe") % {"name": name},
            consequence=_(
                "%(name)s ne verra plus ce dossier ni ses échanges, et ne recevra plus ses "
                "notifications. Vous pourrez l'ajouter de nouveau."
            )
            % {"name": name},
        )
    services.team_member_remove(member=member, by=request.user)
    messages.success(request, _("%(name)s ne fait plus partie de l'équipe.") % {"name": name})
    return redirect(dossier.get_absolute_url() + "#equipe")


def _confirm_removal(request, dossier, *, title: str, consequence: str):
    return render(
        request,
        "access_requests/confirm_removal.html",
        {"dossier": dossier, "title": title, "consequence": consequence},
    )


@login_required
def data_remove(request, reference, item_id):
    dossier = _dossier(request, reference)
    item = get_object_or_404(
        dossier.requested_data.select_related("database", "table__database"), pk=item_id
    )
    if not can_edit(request.user, dossier):
        raise PermissionDenied
    if request.method != "POST":
        return _confirm_removal(
            request,
            dossier,
            title=_("Retirer « %(name)s » des données demandées") % {"name": item.display_name},
            consequence=_(
                "Cette donnée, ses variables, sa période et ses codes sortent de la demande "
                "et de l'expression des besoins."
            ),
        )
    services.requested_data_remove(item=item, by=request.user)
    messages.success(request, _("Donnée retirée de la demande."))
    return redirect(dossier.get_absolute_url() + "#donnees")


@login_required
def data_add(request, reference):
    dossier = _dossier(request, reference, may=can_edit)
    form = RequestedDataForm(request.POST or None, dossier=dossier, user=request.user)
    refresh = request.method == "POST" and "show_variables" in request.POST
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            services.requested_data_add(dossier=dossier, by=request.user, **form.cleaned_data)
        except services.DossierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Donnée demandée ajoutée."))
            return redirect(dossier.get_absolute_url() + "#donnees")
    status = 200
    return render(
        request,
        "access_requests/data_form.html",
        {"dossier": dossier, "form": form, "refresh": refresh},
        status=status,
    )


@login_required
def rapporteur_assign(request, reference):
    dossier = _dossier(request, reference, may=lambda user, dossier: is_instructor(user))
    return _service_form(
        request,
        dossier,
        RapporteurForm(request.POST or None, dossier=dossier),
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
    dossier = _dossier(request, reference, may=lambda user, dossier: is_instructor(user))
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
    dossier = _dossier(request, reference, may=can_publish_results)
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
    if not (
        can(request.user, Capability.DOSSIER_INSTRUCT)
        or can(request.user, Capability.DOSSIER_FOLLOW)
    ):
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


# --- Expression des besoins -----------------------------------------------------------
NEEDS_FORMATS = {
    "pdf": ("application/pdf", "PDF"),
    "odt": ("application/vnd.oasis.opendocument.text", "ODT"),
}


@login_required
def needs_document(request, reference, fmt):
    """The "expression des besoins" of a dossier, for whoever sees the dossier."""
    dossier = _dossier(request, reference)
    outline = needs_outline(dossier)
    content = render_pdf(outline) if fmt == "pdf" else render_odt(outline)
    response = HttpResponse(content, content_type=NEEDS_FORMATS[fmt][0])
    filename = f"{dossier.reference}-expression-des-besoins.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The guichet's work queue ---------------------------------------------------------
@capability_required(Capability.DOSSIER_INSTRUCT)
def guichet_queue_view(request):
    today = timezone.localdate()
    rows = [
        {
            "dossier": dossier,
            "progress": dossier_progress(dossier, request.user, today),
            "actions": services.available_transitions(request.user, dossier),
            "blocked": services.blocked_transitions(request.user, dossier),
        }
        for dossier in guichet_queue(request.user)
    ]
    return render(
        request,
        "access_requests/queue.html",
        {"rows": rows, "today": today, "unread": unread_counts(request.user)},
    )
