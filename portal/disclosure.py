"""Statistical disclosure control: the small-cell rule of the SNDS, written once.

Every count that a page, an export or the API publishes goes through this module. It has
no Django import: the threshold is passed in, or read once from
``settings.SMALL_CELL_THRESHOLD`` when a function is given ``threshold=None``.

**What is protected.** Counts of people: persons, and rows of health data, each of which
is about one person (a claim, a stay, a drug dispensed, an OMOP event) — the
:data:`PEOPLE` subjects. Counts of publications, of their authors (public bibliographic
data, not patients), of projects, tables, variables or codes are published as they are
(:func:`is_about_people`).

**Primary suppression.** A count of people ``n`` with ``0 < n < threshold`` is shown as
the marker ``"< 10"`` (:func:`marker`). **Zero is published as 0**: an empty cell
describes nobody, and hiding it would only let a reader tell "< 10" cells apart from
structural zeros less well, not protect anyone. (The publications dashboard used to show
0 as "< 10"; the rule is now the same everywhere.)

**Secondary suppression.** A hidden count must not come back by addition or subtraction
from the figures published beside it: ``rows 200`` and ``missing 196`` give 4 deceased,
``person 200`` and ``observation_period 199`` give one person without events. The caller
puts every figure of one publication (a page, an API response, a stored result) in one
:class:`Figures`, declares how they add up (:meth:`Figures.relation`: a total and the
disjoint parts it is made of), and :meth:`Figures.protect` hides ("n.d.",
:data:`SECONDARY_MARKER`) the fewest, smallest extra cells until no count of people below
the threshold is derivable: no hidden cell, no union of the hidden parts of a relation
and no union of two of them is determined by the linear system of the published figures.
Shares computed from counts go through :meth:`Figures.share` so that a percentage does not
give a hidden count back either.

Helpers for the simple cases: :func:`count` (one count, primary only — use it only for a
figure that is part of no total), :func:`protect_partition` (cells adding up to a
published total), :func:`merge_adjacent` (histogram bins and age bands merged until none
is small). :func:`assert_no_small_cells` checks JSON-like data before it is published.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

SECONDARY_MARKER = "n.d."


class Subject(enum.StrEnum):
    """What a count counts."""

    PERSONS = "persons"
    #: rows of a health-data table (SNDS or OMOP): each is about one person
    HEALTH_RECORDS = "health_records"
    #: authors of publications: public bibliographic data, not patients
    AUTHORS = "authors"
    PUBLICATIONS = "publications"
    PROJECTS = "projects"
    #: tables, variables, codes, distinct values
    METADATA = "metadata"


#: The subjects the small-cell rule protects.
PEOPLE = frozenset({Subject.PERSONS, Subject.HEALTH_RECORDS})


def is_about_people(subject: Subject | str) -> bool:
    """Whether counts of ``subject`` fall under the small-cell rule."""
    return Subject(subject) in PEOPLE


def resolve_threshold(threshold: int | None = None) -> int:
    """``threshold``, or the ``SMALL_CELL_THRESHOLD`` setting when it is ``None``."""
    if threshold is not None:
        return int(threshold)
    from django.conf import settings  # only here: the rest of the module is plain Python

    return int(settings.SMALL_CELL_THRESHOLD)


def marker(threshold: int | None = None) -> str:
    """The text shown instead of a count of people below ``threshold``: ``"< 10"``."""
    return f"< {resolve_threshold(threshold)}"


def is_small(n: Any, threshold: int | None = None) -> bool:
    """``0 < n < threshold`` for an integer ``n`` (a marker or ``None`` is not small)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        return False
    return 0 < int(n) < resolve_threshold(threshold)


def is_marker(value: Any, threshold: int | None = None) -> bool:
    """Whether ``value`` is one of the texts shown instead of a count."""
    return value == SECONDARY_MARKER or value == marker(threshold)


def count(
    n: int | None, threshold: int | None = None, *, subject: Subject = Subject.PERSONS
) -> int | str | None:
    """One count as published: itself, or the marker when it is a small count of people.

    Primary suppression only: a count that is the total or a part of other published
    counts belongs in a :class:`Figures`."""
    if n is None:
        return None
    if not is_about_people(subject):
        return int(n)
    t = resolve_threshold(threshold)
    return marker(t) if is_small(int(n), t) else int(n)


def share_value(value: float | str | None) -> float | None:
    """A published share as a number (a bound such as ``"> 97.5 %"`` gives its bound)."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(value.strip("<> %"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Disclosure:
    """A count of people below the threshold that the published figures determine."""

    cells: tuple[Hashable, ...]
    value: int


class Figures:
    """The counts of people published together, and how they add up.

    Example (``tests/portal/test_disclosure.py``)::

        f = Figures(10)
        f.add("rows", 200, weight=5)  # the headline: hidden only as a last resort
        f.partition("rows", {"missing": 196, "present": 4})
        f.published()  # {"rows": 200, "missing": "n.d.", "present": "< 10"}
        f.share("present", "rows")  # "< 5.0 %"

    Cells are keyed by anything hashable; the same quantity shown in two places (the
    count of value "1" of the sex column and the men of the sex split) is one key, or two
    keys tied by a relation. A cell added with ``shown=False`` is a quantity the reader
    does not see but could compute (the values that passed a check: checked − failed); it
    takes part in the relations and is protected like the others.
    """

    def __init__(self, threshold: int | None = None):
        self.threshold = resolve_threshold(threshold)
        self._values: dict[Hashable, int] = {}
        self._weights: dict[Hashable, float] = {}
        self._shown: dict[Hashable, bool] = {}
        self._relations: list[tuple[Hashable, tuple[Hashable, ...]]] = []
        self._hidden: set[Hashable] = set()  # shown cells not published exactly
        self._primary: set[Hashable] = set()
        self._protected = False
        self._exact: set[Hashable] | None = None

    # ---------------------------------------------------------------- building

    def add(self, key: Hashable, n: int, *, shown: bool = True, weight: float = 1.0) -> Hashable:
        """Declare the count ``n`` under ``key`` (again with the same ``n``: no-op).

        ``weight`` is what hiding this cell costs beside the others (default 1): give a
        headline figure (the rows of a table, the persons of an output) more, so that
        secondary suppression hides it only when nothing cheaper protects the small cell.
        """
        n = int(n)
        self._weights[key] = max(weight, self._weights.get(key, weight))
        if n < 0:
            raise ValueError(f"{key!r}: a count cannot be negative ({n})")
        if key in self._values:
            if self._values[key] != n:
                raise ValueError(f"{key!r} declared twice: {self._values[key]} and {n}")
            self._shown[key] = self._shown[key] or shown
        else:
            self._values[key] = n
            self._shown[key] = shown
        self._protected = False
        return key

    def raw(self, key: Hashable) -> int:
        """The count as declared: for building relations, never for publication."""
        return self._values[key]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def relation(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        """``total`` is made of the disjoint ``parts`` (all declared): total = Σ parts."""
        parts = tuple(parts)
        missing = [k for k in (total, *parts) if k not in self._values]
        if missing:
            raise KeyError(f"undeclared cells {missing!r}")
        if len(set(parts)) != len(parts) or total in parts:
            raise ValueError(f"{total!r}: a part is repeated")
        expected = sum(self._values[k] for k in parts)
        if self._values[total] != expected:
            raise ValueError(f"{total!r} = {self._values[total]}, its parts add up to {expected}")
        self._relations.append((total, parts))
        self._protected = False

    def contains(self, whole: Hashable, part: Hashable, rest: Hashable | None = None) -> Hashable:
        """``part`` is a subset of ``whole``: declare the unseen remainder and the relation.
        Returns the remainder's key (``(whole, "−", part)`` unless given)."""
        rest = (whole, "−", part) if rest is None else rest
        self.add(rest, self._values[whole] - self._values[part], shown=False)
        self.relation(whole, [part, rest])
        return rest

    def partition(self, total: Hashable, parts: Mapping[Hashable, int], *, shown=True) -> None:
        """Declare ``parts`` (key → count) and that they make up ``total``."""
        for key, n in parts.items():
            self.add(key, n, shown=shown)
        self.relation(total, list(parts))

    # ---------------------------------------------------------------- protecting

    def protect(self) -> Figures:
        """Primary then secondary suppression (idempotent; called by the readers)."""
        if self._protected:
            return self
        t = self.threshold
        self._primary = {k for k, n in self._values.items() if self._shown[k] and 0 < n < t}
        self._hidden = set(self._primary)
        for _ in range(len(self._values) + 1):
            found = self._disclosures(self._unknown())
            if not found:
                break
            self._hidden |= self._secondary_for(found[0])
        else:  # pragma: no cover - each round hides one more cell, so this cannot happen
            raise RuntimeError("secondary suppression did not converge")
        self._protected = True
        self._exact = None
        return self

    def value(self, key: Hashable) -> int | str:
        """The published value of ``key``: the count, ``"< 10"`` or ``"n.d."``."""
        self.protect()
        if key in self._primary:
            return marker(self.threshold)
        if key in self._hidden:
            return SECONDARY_MARKER
        if not self._shown[key]:
            raise KeyError(f"{key!r} is not a published cell")
        return self._values[key]

    def published(self) -> dict[Hashable, int | str]:
        """Every shown cell and its published value."""
        return {k: self.value(k) for k in self._values if self._shown[k]}

    def is_exact(self, key: Hashable) -> bool:
        """Whether a reader knows the count of ``key`` exactly (published, or derivable)."""
        self.protect()
        if self._exact is None:
            self._exact = {}
        if key not in self._exact:
            if self._shown[key] and key not in self._hidden:
                self._exact[key] = True
            else:
                self._exact[key] = self._derivable((key,), self._unknown())
        return self._exact[key]

    def share(self, part: Hashable, whole: Hashable, *, digits: int = 1) -> float | str | None:
        """``100 × part / whole`` rounded to ``digits``, when it gives no hidden count back.

        When ``whole`` is known but ``part`` is a small hidden count, the share is a bound
        as coarse as the marker (``"< 5.0 %"``); when ``whole − part`` is, the bound from
        the other side (``"> 95.0 %"``). Otherwise a share that would reveal a hidden
        count is ``None``."""
        self.protect()
        n, w = self._values[part], self._values[whole]
        if not w or not self.is_exact(whole):
            return None
        if self.is_exact(part):
            return round(100.0 * n / w, digits)
        t = self.threshold
        if 0 < n < t:
            return f"< {100.0 * t / w:.{digits}f} %"
        if 0 < w - n < t:
            return f"> {100.0 * (w - t) / w:.{digits}f} %"
        return None

    def disclosures(self) -> list[Disclosure]:
        """What the published figures give away (empty once :meth:`protect` has run)."""
        self.protect()
        return self._disclosures(self._unknown())

    # ---------------------------------------------------------------- the audit

    def _unknown(self, extra: Iterable[Hashable] = ()) -> list[Hashable]:
        """The cells a reader does not see. A zero that is not shown counts as seen: a
        reader may well know that a code is never used or that every age is filled in."""
        hidden = self._hidden | set(extra)
        return [
            k for k in self._values if k in hidden or not (self._shown[k] or self._values[k] == 0)
        ]

    def _full_matrix(self) -> tuple[np.ndarray, dict[Hashable, int]]:
        """One row per relation (total − Σ parts = 0), one column per cell."""
        index = {k: i for i, k in enumerate(self._values)}
        matrix = np.zeros((len(self._relations), len(index)))
        for r, (total, parts) in enumerate(self._relations):
            matrix[r, index[total]] = 1.0
            for p in parts:
                matrix[r, index[p]] = -1.0
        return matrix, index

    def _nullspace(self, unknown: Sequence[Hashable]) -> np.ndarray:
        return _nullspace(self._columns(unknown))

    def _columns(self, keys: Sequence[Hashable]) -> np.ndarray:
        matrix, index = self._full_matrix()
        return matrix[:, [index[k] for k in keys]]

    def _groups(self, unknown: Sequence[Hashable]) -> list[tuple[Hashable, ...]]:
        """Counts of people a reader could try to derive: each unknown cell, the union of
        the unknown parts of a relation, and the union of two of them."""
        t = self.threshold
        known = set(unknown)
        groups: dict[tuple, None] = {}
        for k in unknown:
            if 0 < self._values[k] < t:
                groups[(k,)] = None
        for _total, parts in self._relations:
            hidden = [p for p in parts if p in known and self._values[p] > 0]
            candidates = [tuple(hidden)] if len(hidden) > 1 else []
            if len(hidden) > 2:
                candidates += list(combinations(hidden, 2))
            for g in candidates:
                if 0 < sum(self._values[k] for k in g) < t:
                    groups[g] = None
        return list(groups)

    def _disclosures(self, unknown: Sequence[Hashable]) -> list[Disclosure]:
        groups = self._groups(unknown)
        if not groups:
            return []
        null = self._nullspace(unknown)
        index = {k: i for i, k in enumerate(unknown)}
        return [
            Disclosure(g, sum(self._values[k] for k in g))
            for g in groups
            if _determined(_vector(g, index), null) or self._derivable(g, unknown)
        ]

    def _derivable(self, group: Sequence[Hashable], unknown: Sequence[Hashable]) -> bool:
        """Whether the published figures pin the sum of ``group`` down, the reader knowing
        what the markers say: a "< 10" cell holds 1…9, any hidden cell at least 0."""
        return all(self._move(group, sign, hideable=False) is None for sign in (1.0, -1.0))

    def _move(self, group, sign: float, *, hideable: bool):
        """The cheapest change of the counts that keeps every relation true, keeps every
        hidden count within what its marker says, moves the sum of ``group`` by ``sign``
        and moves no published cell — or, when ``hideable``, as few published cells as it
        can (the smallest first). ``None`` when there is none; else the cells it moves."""
        from scipy.optimize import linprog  # the one heavy import, only when needed

        matrix, index = self._full_matrix()
        keys, n, t = list(index), len(index), self.threshold
        hidden = set(self._unknown())
        largest = max([*self._values.values(), 1])
        cost = np.full(n, 1e-6)
        up, down = [(0.0, None)] * n, [(0.0, None)] * n  # bounds of x⁺ and x⁻
        for i, k in enumerate(keys):
            v = self._values[k]
            if k not in hidden and not (hideable and v > 0):
                up[i] = down[i] = (0.0, 0.0)  # published, stays as it is
                continue
            if k not in hidden:
                cost[i] = self._weights[k] * (1.0 + v / (10.0 * largest))  # hiding it costs
            lower = 1 if k in self._primary else 0
            upper = t - 1 if k in self._primary else None
            if v <= lower:
                down[i] = (0.0, 0.0)
            if upper is not None and v >= upper:
                up[i] = (0.0, 0.0)
        w = _vector(group, index)
        a_eq = np.vstack([np.hstack([matrix, -matrix]), np.hstack([w, -w])])
        b_eq = np.zeros(a_eq.shape[0])
        b_eq[-1] = sign
        result = linprog(
            np.concatenate([cost, cost]), A_eq=a_eq, b_eq=b_eq, bounds=up + down, method="highs"
        )
        if result.status != 0:
            return None
        moved = np.abs(result.x[:n] - result.x[n:])
        return {keys[i] for i in range(n) if moved[i] > 1e-9 and keys[i] not in hidden}

    def _secondary_for(self, leak: Disclosure) -> set[Hashable]:
        """The published cells to hide so that ``leak`` is no longer derivable: those that
        the cheapest change of the counts moving it has to move (see :meth:`_move`)."""
        options = [self._move(leak.cells, sign, hideable=True) for sign in (1.0, -1.0)]
        options = [o for o in options if o]
        if options:
            return min(options, key=lambda o: (len(o), sum(self._values[k] for k in o)))
        # No change of the published cells moves it (a cause among the zeros, which stay
        # published): hide every published cell of the relations that hold it.
        cells = set(leak.cells)
        near = {
            k
            for total, parts in self._relations
            if cells & {total, *parts}
            for k in (total, *parts)
        }
        fallback = {k for k in near if self._shown[k] and k not in self._hidden}
        if not fallback:  # pragma: no cover - a determined leak has a published cause
            raise RuntimeError(f"no secondary suppression protects {leak}")
        return fallback


def _nullspace(a: np.ndarray) -> np.ndarray:
    """A basis of the changes of the unknown cells that keep every relation (``a``:
    relations × unknown cells) true: a combination ``w`` of the unknown cells is
    derivable from the published figures iff ``w · N = 0``."""
    m, n = a.shape
    if m == 0 or n == 0:
        return np.eye(n)
    _u, s, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((s > 1e-9 * max(1.0, float(s.max(initial=0.0)))).sum())
    return vt[rank:].T


def _vector(cells: Iterable[Hashable], index: Mapping[Hashable, int]) -> np.ndarray:
    w = np.zeros(len(index))
    for k in cells:
        w[index[k]] = 1.0
    return w


def _determined(w: np.ndarray, null: np.ndarray) -> bool:
    return null.shape[1] == 0 or bool(np.all(np.abs(w @ null) < 1e-7))


def protect_partition(
    counts: Sequence[int], threshold: int | None = None, *, total_published: bool = True
) -> list[int | str]:
    """Published values of cells that add up to a total published beside them (or not,
    ``total_published=False``): a lone small cell takes the next smallest with it."""
    f = Figures(threshold)
    keys = [("cell", i) for i in range(len(counts))]
    f.add("total", sum(counts), shown=total_published)
    f.partition("total", dict(zip(keys, counts, strict=True)))
    return [f.value(k) for k in keys]


def merge_adjacent(
    items: Sequence[Any],
    weights: Callable[[Sequence[Any]], Iterable[int]],
    threshold: int | None = None,
) -> list[list[Any]]:
    """Consecutive ``items`` grouped until no group has a small count: ``weights(group)``
    gives the counts of a group (one per sex for an age band, one for a histogram bin).
    A small remainder at the end joins the group before it."""
    t = resolve_threshold(threshold)

    def ok(group: Sequence[Any]) -> bool:
        return not any(0 < w < t for w in weights(group))

    groups: list[list[Any]] = []
    current: list[Any] = []
    for item in items:
        current.append(item)
        if ok(current):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    while len(groups) > 1 and not ok(groups[-1]):
        last = groups.pop()
        groups[-1].extend(last)
    return groups


# --------------------------------------------------------------------------- checking


class SmallCellError(AssertionError):
    """Published data holds a count of people below the threshold."""


def assert_no_small_cells(
    data: Any,
    threshold: int | None = None,
    *,
    forbidden_keys: frozenset[str] = frozenset(),
    path: str = "$",
) -> None:
    """Raise :class:`SmallCellError` if ``data`` (JSON-like) holds a count below
    ``threshold``: a key named ``count`` or ending in ``_count`` whose value is an integer
    in 1…threshold−1, or anything but an integer, ``None`` or a marker; or one of the
    ``forbidden_keys`` at all (fields of raw, unprotected data)."""
    t = resolve_threshold(threshold)
    if isinstance(data, Mapping):
        for key, value in data.items():
            where = f"{path}.{key}"
            if key in forbidden_keys:
                raise SmallCellError(f"{where}: raw field in published data")
            is_count = key == "count" or str(key).endswith("_count")
            if is_count and (
                isinstance(value, bool)
                or not (
                    value is None
                    or (isinstance(value, int) and not is_small(value, t))
                    or is_marker(value, t)
                )
            ):
                raise SmallCellError(f"{where} = {value!r}: count below {t}")
            assert_no_small_cells(value, t, forbidden_keys=forbidden_keys, path=where)
    elif isinstance(data, list | tuple):
        for i, item in enumerate(data):
            assert_no_small_cells(item, t, forbidden_keys=forbidden_keys, path=f"{path}[{i}]")
