"""Reads of the quality app. Public reads only ever see published runs."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from catalogue.models import Database, Table, Variable
from catalogue.profiling import database_scores
from portal.roles import Capability, can

from .models import DataFile, ProfilingRun, VariableResult


def runs_visible_to(user) -> QuerySet[ProfilingRun]:
    """Every run for the data team (failed ones too); published runs for everyone else."""
    qs = ProfilingRun.objects.select_related("table__database", "job", "data_file", "created_by")
    if can(user, Capability.PROFILING_RUN):
        return qs
    return qs.filter(published_at__isnull=False)


def data_files_visible_to(user) -> QuerySet[DataFile]:
    if not can(user, Capability.PROFILING_RUN):
        return DataFile.objects.none()
    return DataFile.objects.select_related("table__database", "created_by")


def published_runs(table: Table) -> QuerySet[ProfilingRun]:
    return ProfilingRun.objects.filter(table=table, published_at__isnull=False).order_by(
        "-published_at"
    )


def latest_run(table: Table) -> ProfilingRun | None:
    return published_runs(table).first()


def _latest_run_id():
    return Subquery(
        ProfilingRun.objects.filter(table=OuterRef("pk"), published_at__isnull=False)
        .order_by("-published_at")
        .values("pk")[:1]
    )


def tables_with_latest_run(tables: QuerySet[Table] | None = None) -> QuerySet[Table]:
    """Tables annotated with ``latest_run_id`` (their latest published run, or None)."""
    tables = tables if tables is not None else Table.objects.all()
    return tables.select_related("database").annotate(latest_run_id=_latest_run_id())


def tables_never_profiled() -> QuerySet[Table]:
    return Table.objects.exclude(profiling_runs__published_at__isnull=False).select_related(
        "database"
    )


def latest_runs_of(database: Database) -> list[ProfilingRun]:
    """The latest published run of each table of ``database`` (tables never profiled are
    left out)."""
    ids = [
        t.latest_run_id for t in tables_with_latest_run(database.tables.all()) if t.latest_run_id
    ]
    return list(
        ProfilingRun.objects.filter(pk__in=ids)
        .select_related("table")
        .order_by("table__product", "table__name")
    )


def database_rollup(database: Database) -> dict:
    """Kahn scores of a database from the latest run of each of its tables."""
    runs = latest_runs_of(database)
    scores = database_scores([r.scores for r in runs]) if runs else None
    return {
        "database": database,
        "runs": runs,
        "scores": scores,
        "tables_total": database.tables.count(),
        "tables_profiled": len(runs),
    }


def variable_latest(variable: Variable) -> VariableResult | None:
    return (
        VariableResult.objects.filter(variable=variable, run__published_at__isnull=False)
        .select_related("run")
        .order_by("-run__published_at")
        .first()
    )


def variable_history(variable: Variable) -> QuerySet[VariableResult]:
    """The variable's published results, oldest run first (for the evolution chart)."""
    return (
        VariableResult.objects.filter(variable=variable, run__published_at__isnull=False)
        .select_related("run")
        .order_by("run__published_at")
    )
