"""Pages of the code lists: search and browse the referentials (public), build, version,
export and count lists (signed-in users, visibility of the dossier)."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access_requests.selectors import dossiers_visible_to
from portal.permissions import capability_required
from portal.roles import Capability, can
from portal.uploads import upload_limit

from . import selectors, services
from .forms import CodeListForm, ReferentialImportForm, items_text
from .messages import error_message
from .models import SYSTEM_CHOICES, CodeList, ReferentialCode
from .referentials import ReferentialError, System


def code_search(request):
    q = request.GET.get("q", "").strip()[:200]
    system = request.GET.get("systeme", "")
    if system not in System.ALL:
        system = ""
    hits, facets = selectors.codes_search(q, system=system) if q else ([], {})
    return render(
        request,
        "codelists/search.html",
        {
            "q": q,
            "system": system,
            "hits": hits,
            "facets": [(v, label, facets[v]) for v, label in SYSTEM_CHOICES if facets.get(v)],
            "my_lists": selectors.code_lists_to_add_to(request.user)[:100],
            "can_import": can(request.user, Capability.CATALOGUE_CURATE),
        },  # fmt: skip
    )


def code_detail(request, system, code):
    item = get_object_or_404(ReferentialCode, system=system, code=code)
    children = selectors.code_children(system, code)
    if system == System.ATC:
        children = ReferentialCode.objects.filter(
            system__in=[System.ATC, System.CIP13], parent=code
        ).order_by("system", "code")
    return render(
        request,
        "codelists/code.html",
        {"item": item, "ancestors": selectors.code_ancestors(system, code),
         "children": children[:500], "my_lists": selectors.code_lists_to_add_to(request.user)[:100]},
    )  # fmt: skip


@require_POST
@login_required
def codes_add(request):
    """Add the codes ticked on a search or browse page to one of the user's lists."""
    code_list = get_object_or_404(
        selectors.code_lists_to_add_to(request.user), pk=request.POST.get("list") or 0
    )
    items = []
    for value in request.POST.getlist("codes")[:500]:
        system, _sep, code = value.partition(":")
        if system in System.ALL and code:
            items.append({"system": system, "code": code,
                          "include_descendants": request.POST.get("include_descendants") == "on",
                          "excluded": request.POST.get("excluded") == "on"})  # fmt: skip
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = code_list.get_absolute_url()
    if not items:
        messages.error(request, _("Cochez au moins un code à ajouter."))
        return redirect(back)
    try:
        version = services.code_list_items_add(code_list=code_list, items=items, by=request.user)
    except ReferentialError as exc:
        messages.error(request, error_message(exc))
        return redirect(back)
    messages.success(
        request,
        _("%(n)s code(s) ajouté(s) à « %(name)s » (version %(v)s).")
        % {"n": len(items), "name": code_list.name, "v": version.number},
    )
    return redirect(back)


def _list(request, pk) -> CodeList:
    return get_object_or_404(selectors.code_lists_visible_to(request.user), pk=pk)


def _own_dossiers(user):
    return dossiers_visible_to(user)


@login_required
def list_index(request):
    return render(
        request, "codelists/list_index.html",
        {"lists": selectors.code_lists_visible_to(request.user)[:200]},
    )  # fmt: skip


def _save(request, form, code_list=None):
    data = form.cleaned_data
    items = data["items"]
    try:
        if code_list is None:
            return services.code_list_create(
                name=data["name"], by=request.user, items=items, description=data["description"],
                rationale=data["rationale"], dossier=data["dossier"], comment=data["comment"],
            )  # fmt: skip
        services.code_list_update(
            code_list=code_list, by=request.user, items=items, comment=data["comment"],
            name=data["name"], description=data["description"], rationale=data["rationale"],
            dossier=data["dossier"],
        )  # fmt: skip
        return code_list
    except ReferentialError as exc:
        if exc.code == "unknown_codes" and data.get("keep_known"):
            unknown = {c["code"] for c in exc.params["codes"]}
            kept = [i for i in items if i["code"].upper().replace(".", "") not in unknown]
            if kept:
                form.cleaned_data["items"] = kept
                messages.warning(request, error_message(exc))
                return _save(request, form, code_list)
        form.add_error("items", error_message(exc))
        return None


@login_required
def list_create(request):
    form = CodeListForm(request.POST or None, dossiers=_own_dossiers(request.user))
    if request.method == "POST" and form.is_valid():
        code_list = _save(request, form)
        if code_list:
            messages.success(request, _("Liste enregistrée (version 1)."))
            return redirect(code_list)
    return render(request, "codelists/list_form.html", {"form": form})


@login_required
def list_edit(request, pk):
    code_list = _list(request, pk)
    initial = {"name": code_list.name, "description": code_list.description,
               "rationale": code_list.rationale, "dossier": code_list.dossier,
               "items": items_text(code_list.latest.items.all())}  # fmt: skip
    form = CodeListForm(request.POST or None, initial=initial, dossiers=_own_dossiers(request.user))
    if request.method == "POST" and form.is_valid() and _save(request, form, code_list):
        messages.success(request, _("Nouvelle version enregistrée."))
        return redirect(code_list)
    return render(request, "codelists/list_form.html", {"form": form, "code_list": code_list})


def _version(code_list, request):
    number = request.GET.get("version", "")
    qs = code_list.versions.all()
    if number:
        if not number.isdigit():
            raise Http404
        return get_object_or_404(qs, number=int(number))
    return code_list.latest


@login_required
def list_detail(request, pk):
    code_list = _list(request, pk)
    version = _version(code_list, request)
    expanded = selectors.version_expand(version)
    per_system = {}
    for c in expanded:
        per_system[c.system] = per_system.get(c.system, 0) + 1
    return render(
        request,
        "codelists/list_detail.html",
        {"code_list": code_list, "version": version, "expanded": expanded[:500],
         "expanded_total": len(expanded), "per_system": sorted(per_system.items()),
         "versions": code_list.versions.all(), "outputs": selectors.outputs_for(request.user)[:50]},
    )  # fmt: skip


@login_required
def list_export(request, pk, fmt):
    code_list = _list(request, pk)
    if fmt not in selectors.EXPORTS:
        raise Http404
    version = _version(code_list, request)
    content, content_type = selectors.version_export(code_list, version, fmt)
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="liste-{code_list.pk}-v{version.number}.{fmt}"'
    )
    return response


@require_POST
@login_required
def list_count(request, pk):
    code_list = _list(request, pk)
    version = _version(code_list, request)
    etl_job = selectors.output_get(request.user, request.POST.get("output"))
    counts = selectors.version_count(version, Path(etl_job.output_path))
    return render(
        request, "codelists/list_count.html",
        {"code_list": code_list, "version": version, "etl_job": etl_job, "counts": counts},
    )  # fmt: skip


@capability_required(Capability.CATALOGUE_CURATE)
@upload_limit("CODELISTS_UPLOAD_MAX_BYTES")
def referential_import(request):
    """The data team uploads IR_PHA_R or the BDPM; the import runs as a job."""
    form = ReferentialImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.referential_import_start(
                source=form.cleaned_data["source"], files=request.FILES, by=request.user
            )
        except ReferentialError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Import mis en file d'attente."))
            return redirect(job.get_absolute_url())
    return render(
        request, "codelists/referential_import.html",
        {"form": form, "jobs": selectors.referential_imports()[:10],
         "counts": selectors.referential_counts()},
    )  # fmt: skip
