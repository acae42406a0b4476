"""What the profiler is told about a table: its columns, their kinds and the curator's rules.

Plain data, no Django: the catalogue builds these from its ``Variable`` rows (or directly
from a Frictionless field with :func:`column_spec_from_frictionless`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

#: Frictionless types found in the SNDS schemas (``schema-snds``).
TYPES = ("string", "integer", "number", "date", "datetime", "boolean", "year", "yearmonth")
NUMERIC_TYPES = frozenset({"integer", "number", "year"})
TEMPORAL_TYPES = frozenset({"date", "datetime", "yearmonth"})

#: Column names accepted in place of a declared one, as in project extractions.
ALIASES = {"NUM_ENQ": "BEN_NIR_PSA"}


class Kind(StrEnum):
    """What a column means, beyond its type: drives built-in plausibility rules,
    the age pyramid and which extremes are coarsened before publication."""

    BIRTH_YEAR = "birth_year"
    BIRTH_DATE = "birth_date"
    DEATH_DATE = "death_date"
    AGE = "age"
    SEX = "sex"
    AMOUNT = "amount"
    PERSON_ID = "person_id"


#: Kinds whose extremes could single out a person: min, max and percentiles are coarsened.
QUASI_IDENTIFIERS = frozenset({Kind.BIRTH_YEAR, Kind.BIRTH_DATE, Kind.DEATH_DATE})


@dataclass(frozen=True)
class CuratorRules:
    """Plausibility rules a curator adds to one variable (all optional).

    ``minimum``/``maximum`` compare the typed value (numbers, or ISO dates for dates);
    ``pattern`` is a regular expression the whole raw value must match; ``allowed`` is the
    set of accepted raw values.
    """

    minimum: float | str | None = None
    maximum: float | str | None = None
    pattern: str | None = None
    allowed: frozenset[str] | None = None

    def is_empty(self) -> bool:
        return (
            self.minimum is None
            and self.maximum is None
            and not self.pattern
            and self.allowed is None
        )


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column.

    ``type`` is a Frictionless type; ``length`` the SNDS dictionary length (``"8"``, or
    ``"10,2"`` for numbers, which is not checked); ``format`` the Frictionless format
    (``"default"`` or a strptime pattern such as ``"%d%m%Y"``); ``pattern``,
    ``min_length``, ``enum``, ``minimum``, ``maximum`` the schema constraints;
    ``nomenclature`` the set of codes of the variable's nomenclature (``None`` when it has
    none); ``kind`` a :class:`Kind` (inferred from the name when not given); ``rules`` the
    curator's plausibility rules.
    """

    name: str
    type: str = "string"
    length: int | str | None = None
    format: str | None = None
    pattern: str | None = None
    min_length: int | None = None
    enum: frozenset[str] | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None
    nomenclature: frozenset[str] | None = None
    nomenclature_name: str | None = None
    kind: Kind | None = None
    rules: CuratorRules | None = None
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: ``True``/``False`` when the schema says whether a value is required (OMOP does),
    #: ``None`` when it does not say (SNDS schemas).
    required: bool | None = None
    #: The share of non-missing values a curator expects (0–100); ``None``: by type.
    expected_completeness: float | None = None
    #: ``False`` for a column of the file that the catalogue does not declare.
    declared: bool = True

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"type inconnu {self.type!r} pour {self.name} (attendu : {TYPES})")
        if self.kind is None:
            object.__setattr__(
                self, "kind", infer_kind(self.name, self.type, self.nomenclature_name)
            )
        for attr in ("nomenclature", "enum"):
            value = getattr(self, attr)
            if value is not None and not isinstance(value, frozenset):
                object.__setattr__(self, attr, frozenset(str(v) for v in value))

    @property
    def max_length(self) -> int | None:
        """Declared length as a maximum number of characters, for strings and integers
        (``None`` when absent or not checkable: ``"p,s"`` precision of a number, dates)."""
        # Dates are checked by their format instead (ISO dates are longer than "8").
        if self.length in (None, "") or self.type not in ("string", "integer", "year"):
            return None
        text = str(self.length).strip()
        return int(text) if text.isdigit() else None

    def with_rules(self, rules: CuratorRules | None) -> ColumnSpec:
        return replace(self, rules=rules)

    @property
    def expected(self) -> tuple[float, ExpectedBasis]:
        """The completeness this column is judged against, and why (see
        :func:`expected_completeness`)."""
        return expected_completeness(self)


class ExpectedBasis(StrEnum):
    """Why a column is expected to be that complete (shown with the grade)."""

    CURATOR = "curator"  # set by a curator on the variable
    DEATH_DATE = "death_date"  # empty for everyone alive: empty by design
    OPTIONAL = "optional"  # the schema says the value is not required (OMOP)
    REQUIRED = "required"  # the schema says the value is required
    DEFAULT = "default"  # nothing said: every row should have a value
    UNDECLARED = "undeclared"  # not in the catalogue: not judged


def expected_completeness(spec: ColumnSpec) -> tuple[float, ExpectedBasis]:
    """Expected share of non-missing values (0–100) of a column, by the curator's rate or
    else by type: a death date is mostly empty (most people are alive) and a column the
    schema declares optional may be empty, so both are expected at 0 %; anything else at
    100 %."""
    if not spec.declared:
        return 0.0, ExpectedBasis.UNDECLARED
    if spec.expected_completeness is not None:
        return float(spec.expected_completeness), ExpectedBasis.CURATOR
    if spec.kind == Kind.DEATH_DATE:
        return 0.0, ExpectedBasis.DEATH_DATE
    if spec.required is False:
        return 0.0, ExpectedBasis.OPTIONAL
    if spec.required:
        return 100.0, ExpectedBasis.REQUIRED
    return 100.0, ExpectedBasis.DEFAULT


def completeness_score(observed: float | None, expected: float) -> float | None:
    """How well an observed completeness (%) meets its expected rate: 100 when it reaches
    it, proportionally less below (``observed / expected``); ``None`` when unknown."""
    if observed is None:
        return None
    if expected <= 0:
        return 100.0
    return round(min(100.0, 100.0 * observed / expected), 4)


_KIND_BY_NAME = [
    (re.compile(r"(^|_)NAI_(ANN|ANNEE)$|^AN_NAIS$|BIRTH_YEAR|^YEAR_OF_BIRTH$"), Kind.BIRTH_YEAR),
    (re.compile(r"(^|_)NAI_(DTE|DAT)$|BIRTH_DATE"), Kind.BIRTH_DATE),
    (re.compile(r"(^|_)DCD_(DTE|DAT|AME)$|(^|_)DEC_(DTE|DAT)$|DEATH_DATE"), Kind.DEATH_DATE),
    (re.compile(r"(^|_)AMA_COD$|(^|_)AGE(_|$)"), Kind.AGE),
    (re.compile(r"(^|_)SEX_COD$|^COD_SEX$|^SEXE$|(^|_)SEX$"), Kind.SEX),
    (re.compile(r"(^|_)MNT(_|$)|_MNT_|_MT$"), Kind.AMOUNT),
    # OMOP's person_id too: the distinct persons of a table, for HealthDCAT-AP
    (re.compile(r"^BEN_NIR_PSA$|^NUM_ENQ$|^BEN_IDT_ANO$|^PERSON_ID$"), Kind.PERSON_ID),
]


def infer_kind(name: str, type_: str, nomenclature_name: str | None = None) -> Kind | None:
    """Guess a column's kind from its SNDS name (``BEN_NAI_ANN`` → birth year,
    ``*_MNT`` → amount, ``BEN_SEX_COD`` or nomenclature ``IR_SEX_V`` → sex…)."""
    if nomenclature_name and nomenclature_name.upper() == "IR_SEX_V":
        return Kind.SEX
    upper = name.upper()
    for pattern, kind in _KIND_BY_NAME:
        if pattern.search(upper):
            if kind is Kind.AMOUNT and type_ not in NUMERIC_TYPES:
                continue
            return kind
    return None


def column_spec_from_frictionless(
    field_: Mapping[str, Any],
    *,
    nomenclature: Iterable[str] | None = None,
    rules: CuratorRules | None = None,
) -> ColumnSpec:
    """Build a :class:`ColumnSpec` from a Frictionless field of ``schema-snds``.

    ``nomenclature`` is the set of codes of the field's nomenclature when the caller has
    it (the field itself only names it, e.g. ``"IR_SEX_V"``, or ``"-"`` for none).
    """
    constraints = field_.get("constraints") or {}
    nomenclature_name = field_.get("nomenclature")
    if nomenclature_name in ("", "-"):
        nomenclature_name = None
    fmt = field_.get("format") or None
    return ColumnSpec(
        name=field_["name"],
        type=field_.get("type") or "string",
        length=field_.get("length") or None,
        format=None if fmt == "default" else fmt,
        pattern=constraints.get("pattern"),
        min_length=constraints.get("minLength"),
        enum=frozenset(str(v) for v in constraints["enum"]) if "enum" in constraints else None,
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        nomenclature=frozenset(str(c) for c in nomenclature) if nomenclature else None,
        nomenclature_name=nomenclature_name,
        rules=rules,
        description=field_.get("description") or "",
        required=constraints.get("required") if "required" in constraints else None,
    )


@dataclass(frozen=True)
class ForeignKeyCheck:
    """Check that the values of ``columns`` exist in ``referenced_columns`` of the data
    file ``referenced_path`` (the referenced table's profiled file)."""

    columns: tuple[str, ...]
    referenced_path: str
    referenced_columns: tuple[str, ...]
    referenced_table: str = ""

    def __post_init__(self) -> None:
        for attr in ("columns", "referenced_columns"):
            value = getattr(self, attr)
            if isinstance(value, str):
                object.__setattr__(self, attr, (value,))
            else:
                object.__setattr__(self, attr, tuple(value))
        if len(self.columns) != len(self.referenced_columns):
            raise ValueError("columns et referenced_columns doivent avoir la même longueur")
