"""From catalogue rows to what the profiler is told: column specs, keys, curator rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from catalogue.models import Table, Variable
from catalogue.profiling import ColumnSpec, CuratorRules, ForeignKeyCheck, TableProfile
from catalogue.profiling import profile_file as _profile_file
from catalogue.profiling.specs import TYPES

from .models import CuratorRule, ProfilingRun


def _nomenclature_codes(variable: Variable) -> list[str] | None:
    """Codes of the variable's nomenclature; the column named by ``IR_XXX_V:COLUMN`` when it
    is not the nomenclature's code column."""
    nomenclature = variable.nomenclature
    if nomenclature is None:
        return None
    column = variable.nomenclature_ref.partition(":")[2].strip()
    if column and nomenclature.code_field and column != nomenclature.code_field:
        codes = [
            str(extra[column])
            for extra in nomenclature.values.values_list("extra", flat=True)
            if isinstance(extra, dict) and extra.get(column) not in (None, "")
        ]
        if codes:
            return codes
    return list(nomenclature.values.values_list("code", flat=True)) or None


def curator_rules_of(rule: CuratorRule | None) -> CuratorRules | None:
    if rule is None or rule.is_empty:
        return None

    def bound(text: str):
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return text  # an ISO date

    return CuratorRules(
        minimum=bound(rule.minimum),
        maximum=bound(rule.maximum),
        pattern=rule.pattern or None,
        allowed=frozenset(str(v) for v in rule.allowed) if rule.allowed else None,
    )


def column_spec_for(variable: Variable) -> ColumnSpec:
    """The profiler's view of one catalogue variable (type, length, format, constraints,
    nomenclature codes, the curator's rules)."""
    constraints = variable.constraints or {}
    nomenclature_name = (
        variable.nomenclature.name
        if variable.nomenclature_id
        else variable.nomenclature_ref.partition(":")[0].strip() or None
    )
    fmt = variable.format or None
    if fmt == "default":
        fmt = None
    codes = _nomenclature_codes(variable)
    enum = constraints.get("enum")
    try:
        rule = variable.curator_rule
    except CuratorRule.DoesNotExist:
        rule = None
    return ColumnSpec(
        name=variable.name,
        type=variable.type if variable.type in TYPES else "string",
        length=variable.length or None,
        # a strptime pattern only means something for dates
        format=fmt if fmt and "%" in fmt else None,
        pattern=constraints.get("pattern"),
        min_length=constraints.get("minLength"),
        enum=frozenset(str(v) for v in enum) if enum else None,
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        nomenclature=frozenset(str(c) for c in codes) if codes else None,
        nomenclature_name=nomenclature_name,
        rules=curator_rules_of(rule),
        description=variable.description[:200],
        required=constraints.get("required") if "required" in constraints else None,
        expected_completeness=rule.expected_completeness if rule is not None else None,
    )


def column_specs_for(table: Table) -> list[ColumnSpec]:
    variables = table.variables.select_related("nomenclature", "curator_rule").order_by(
        "position", "name"
    )
    return [column_spec_for(v) for v in variables]


def latest_file_of(table: Table) -> Path | None:
    """The data file of the table's latest published run, if it is still on disk."""
    run = (
        ProfilingRun.objects.filter(table=table, published_at__isnull=False)
        .exclude(data_file=None)
        .select_related("data_file")
        .order_by("-published_at")
        .first()
    )
    if run is None:
        return None
    path = run.data_file.absolute_path
    return path if path.is_file() else None


def foreign_key_checks_for(table: Table) -> tuple[list[ForeignKeyCheck], list[str]]:
    """Orphan checks against the referenced tables that have a profiled file, and the
    labels of the keys that could not be checked (referenced table never profiled)."""
    checks, skipped = [], []
    names = set(table.variables.values_list("name", flat=True))
    for key in table.keys_out.select_related("to_table").order_by("signature"):
        if key.to_table_id is None or key.to_table_id == table.pk:
            skipped.append(key.to_label)
            continue
        if not set(key.from_columns) <= names:
            skipped.append(key.to_label)
            continue
        path = latest_file_of(key.to_table)
        if path is None:
            skipped.append(key.to_label)
            continue
        checks.append(
            ForeignKeyCheck(
                columns=tuple(key.from_columns),
                referenced_path=str(path),
                referenced_columns=tuple(key.to_columns),
                referenced_table=key.to_table.name,
            )
        )
    return checks, skipped


def reference_date_for(table: Table, given: dt.date | None = None) -> dt.date | None:
    """The date ages are computed at: the file's own reference date when given, else the
    end of the database's coverage (31 December of its last year), else ``None`` (today)."""
    if given:
        return given
    end = table.database.coverage_end
    return dt.date(end, 12, 31) if end else None


def table_profile_compute(
    *, table: Table, path: Path | str, progress=None, reference_date: dt.date | None = None
) -> TableProfile:
    """Profile ``path`` as the data of ``table``. Raises ``ProfilingError`` on bad input.

    Real extracts hold a subset of the declared columns, and sometimes columns the
    catalogue does not declare: both are profiled and said (absent columns listed,
    undeclared ones flagged and left out of the grade).
    The result holds exact counts: keep it in memory, publish only ``publishable()`` of it.
    """
    columns = column_specs_for(table)
    foreign_keys, _skipped = foreign_key_checks_for(table)
    declared = {c.name for c in columns}
    primary_key = [c for c in (table.primary_key or []) if c in declared] or None
    return _profile_file(
        path,
        columns,
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        progress=progress,
        small_cell_threshold=settings.SMALL_CELL_THRESHOLD,
        memory_limit=settings.PROFILING_MEMORY_LIMIT,
        temp_directory=settings.PROFILING_TEMP_DIR,
        reference_date=reference_date_for(table, reference_date),
        allow_missing_columns=True,
        allow_extra_columns=True,
    )
