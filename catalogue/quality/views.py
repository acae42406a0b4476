"""Pages of the quality app: public results, data-team forms and run list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalogue.models import Database, Table, Variable
from portal.permissions import capability_required
from portal.roles import Capability
from portal.uploads import upload_limit

from . import selectors, services
from .forms import CuratorRuleForm, ProfileForm
from .models import CuratorRule

CAPABILITY = Capability.PROFILING_RUN


def _table(acronym: str, name: str) -> Table:
    return get_object_or_404(
        Table.objects.select_related("database"), database__acronym=acronym, name=name
    )


def _variable(acronym: str, table: str, name: str) -> Variable:
    return get_object_or_404(
        Variable.objects.select_related("table__database"),
        table__database__acronym=acronym,
        table__name=table,
        name=name,
    )


# --------------------------------------------------------------------------- public


def database_quality(request, acronym: str):
    database = get_object_or_404(Database, acronym=acronym)
    return render(request, "quality/database.html", {"database": database})


def table_quality(request, acronym: str, table: str):
    return render(request, "quality/table.html", {"table": _table(acronym, table)})


def variable_quality(request, acronym: str, table: str, variable: str):
    return render(
        request, "quality/variable.html", {"variable": _variable(acronym, table, variable)}
    )


# --------------------------------------------------------------------------- data team


@capability_required(CAPABILITY)
def run_list(request):
    runs = selectors.runs_visible_to(request.user).order_by("-created_at")
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    never = selectors.tables_never_profiled().order_by("database__acronym", "name")
    return render(
        request,
        "quality/run_list.html",
        {"page": page, "never_profiled": never[:50], "never_profiled_total": never.count()},
    )


@capability_required(CAPABILITY)
def run_detail(request, pk: int):
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    return render(request, "quality/run_detail.html", {"run": run, "job": run.job})


@capability_required(CAPABILITY)
@upload_limit("PROFILING_UPLOAD_MAX_BYTES")
def profile(request, acronym: str, table: str):
    """Attach a data file to the table (or pick one) and start profiling it."""
    table = _table(acronym, table)
    form = ProfileForm(request.POST or None, request.FILES or None, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            data_file = form.cleaned_data["data_file"] or services.data_file_attach(
                table=table,
                by=request.user,
                upload=form.cleaned_data["upload"],
                path=form.cleaned_data["path"],
                reference_date=form.cleaned_data["reference_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            run = services.profiling_start(data_file=data_file, by=request.user)
            messages.success(request, _("Profilage lancé."))
            return redirect(run)
    runs = selectors.runs_visible_to(request.user).filter(table=table).order_by("-created_at")[:20]
    return render(
        request, "quality/profile_form.html", {"table": table, "form": form, "runs": runs}
    )


@capability_required(CAPABILITY)
def rules(request, acronym: str, table: str, variable: str):
    """The curator's plausibility rules of one variable."""
    variable = _variable(acronym, table, variable)
    rule = CuratorRule.objects.filter(variable=variable).first()
    initial = {}
    if rule:
        initial = {
            "minimum": rule.minimum,
            "maximum": rule.maximum,
            "pattern": rule.pattern,
            "allowed": "\n".join(rule.allowed),
            "expected_completeness": ""
            if rule.expected_completeness is None
            else f"{rule.expected_completeness:g}",
        }
    form = CuratorRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.curator_rule_set(variable=variable, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Règles enregistrées : elles s'appliquent au prochain profilage.")
            )
            return redirect("quality:variable", acronym, variable.table.name, variable.name)
    return render(request, "quality/rules_form.html", {"variable": variable, "form": form})
