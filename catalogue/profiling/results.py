"""What a profile holds. Plain dataclasses; ``to_dict()`` gives JSON-safe data.

These are the *raw* results, with exact counts: store them only where the data team
reads them. What public pages and the API read must come from
:func:`catalogue.profiling.suppression.publishable`.

Conventions: shares and scores are percentages (0–100, ``None`` when nothing was checked);
dates are ISO strings; every count of rows is an ``int``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ValueCount:
    """One value and how many rows hold it (top values, sex split)."""

    value: str
    count: int
    label: str = ""


@dataclass
class HistogramBin:
    """Rows whose value falls in ``[lower, upper)`` (``upper`` included for the last bin).
    ``lower``/``upper`` are numbers, or ISO dates for dates; ``label`` is for display."""

    label: str
    lower: float | str
    upper: float | str
    count: int


@dataclass
class Stats:
    """Distribution of a number or a date (dates as ISO strings; ``std`` in days)."""

    mean: float | str | None
    std: float | None
    min: float | str | None
    p10: float | str | None
    p25: float | str | None
    median: float | str | None
    p75: float | str | None
    p90: float | str | None
    max: float | str | None


@dataclass
class RuleResult:
    """One plausibility rule on one variable: ``checked`` values, ``failed`` among them."""

    rule: str  # e.g. "date_not_future", "curator_max"
    label: str  # French, for display
    checked: int
    failed: int


@dataclass
class Conformance:
    """Share of non-missing values that fit the declared type, length, format (pattern or
    strptime format) and value set (nomenclature or enum)."""

    checked: int = 0
    failed: int = 0
    type_failed: int = 0
    length_failed: int = 0
    format_failed: int = 0
    value_set_failed: int = 0
    pct: float | None = None
    examples: list[str] = field(default_factory=list)  # a few non-conforming raw values


@dataclass
class Plausibility:
    """Share of typed values that pass every applicable rule (built-in by kind, declared
    minimum/maximum, curator rules). ``pct`` is ``None`` when no rule applies."""

    checked: int = 0
    failed: int = 0
    pct: float | None = None
    rules: list[RuleResult] = field(default_factory=list)


@dataclass
class VariableProfile:
    name: str
    type: str
    kind: str | None
    rows: int
    missing: int
    completeness_pct: float | None
    distinct: int
    stats: Stats | None
    top_values: list[ValueCount]
    histogram: list[HistogramBin]
    conformance: Conformance
    plausibility: Plausibility
    declared: bool = True  # False: a column of the file the catalogue does not declare
    expected_completeness: float | None = None  # 0–100, what completeness is judged against
    expected_basis: str = ""  # an ExpectedBasis value: why that rate
    completeness_score: float | None = None  # 0–100: observed against expected


@dataclass
class KeyCheck:
    """Primary key uniqueness: ``duplicates`` = rows whose key already appeared above."""

    columns: list[str]
    checked: int
    duplicates: int
    null_keys: int
    duplicated_keys: int  # distinct key values that appear more than once


@dataclass
class OrphanCheck:
    """Rows whose (non-null) foreign key is absent from the referenced table's file."""

    columns: list[str]
    referenced_table: str
    referenced_columns: list[str]
    checked: int
    orphans: int
    pct_ok: float | None


@dataclass
class PyramidBand:
    label: str  # "0-4", …, "95+"
    age_min: int
    male: int
    female: int


@dataclass
class AgePyramid:
    """Rows by 5-year age band and sex (rows of the table, not distinct people)."""

    source_column: str
    sex_column: str
    reference_year: int
    bands: list[PyramidBand]
    unknown: int  # rows with a missing/implausible age or a sex other than 1/2


@dataclass
class KahnScores:
    """Kahn dimensions (0–100, ``None`` when nothing to judge) and the overall grade."""

    conformance: float | None
    completeness: float | None
    plausibility: float | None
    overall: float | None
    grade: str | None


@dataclass
class TableProfile:
    rows: int
    columns: list[VariableProfile]
    primary_key: KeyCheck | None
    foreign_keys: list[OrphanCheck]
    scores: KahnScores
    pyramid: AgePyramid | None
    sex_split: list[ValueCount] | None
    source: dict[str, Any]
    duration_s: float
    engine: str
    small_cell_threshold: int = 10
    #: declared columns absent from the file (an extract is a column subset)
    absent_columns: list[str] = field(default_factory=list)
    #: columns of the file the catalogue does not declare (profiled as text, flagged)
    undeclared_columns: list[str] = field(default_factory=list)
    #: the date ages are computed at (ISO) and where it comes from ("given" or "today")
    reference_date: str | None = None
    reference_basis: str = "today"
    #: keys not checked because their columns are absent from the file
    skipped_keys: list[str] = field(default_factory=list)

    def variable(self, name: str) -> VariableProfile:
        for var in self.columns:
            if var.name == name:
                return var
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
