"""An attacker of published figures, written apart from :mod:`portal.disclosure`.

It reads published data as an outsider would (the JSON of the API, what a page shows) and
knows only what the documentation says about it: which figures are totals of which. From
that it tries every subtraction: for each total, every subset of the exact figures
published beside it (total − Σ subset is the count of the other parts), and then, with a
linear program over all the relations at once, the smallest and largest value each hidden
count, and each union of two hidden parts, can take given every published figure and what
the markers say ("< 10": 1…9; "n.d.", or not shown: at least 0; a share: its rounding
interval). A count of people below the threshold is *derivable* when it is pinned to one
value. :func:`attack_profile` returns what it derived; the tests assert it is empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from scipy.optimize import linprog

SECONDARY = "n.d."


@dataclass
class Model:
    """Quantities (published or not) and the relations the attacker knows."""

    threshold: int = 10
    values: dict[str, Any] = field(default_factory=dict)  # name → int | marker | None
    relations: list[tuple[str, list[str]]] = field(default_factory=list)
    shares: list[tuple[str, str, Any]] = field(default_factory=list)  # part, whole, value

    def qty(self, name: str, value: Any = None) -> str:
        if name not in self.values or self.values[name] is None:
            self.values[name] = value
        return name

    def total(self, whole: str, parts: Iterable[str]) -> None:
        self.relations.append((whole, list(parts)))

    def subset(self, whole: str, part: str) -> None:
        self.total(whole, [part, self.qty(f"{whole} − {part}")])

    def exact(self, name: str) -> int | None:
        v = self.values.get(name)
        return v if isinstance(v, int) and not isinstance(v, bool) else None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------- attacks


def subtractions(model: Model) -> list[str]:
    """Every total minus every subset of the exact parts published beside it."""
    t, found = model.threshold, []
    for whole, parts in model.relations:
        total = model.exact(whole)
        if total is None:
            continue
        known = [p for p in parts if model.exact(p) is not None]
        sizes = range(1, len(known) + 1) if len(known) <= 12 else (1, 2)
        for size in sizes:
            for subset in combinations(known, size):
                rest = total - sum(model.exact(p) for p in subset)
                if 0 < rest < t:
                    found.append(f"{whole} − ({' + '.join(subset)}) = {rest}")
    # and every pair of exact figures where one is known to contain the other
    return found


def linear_program(model: Model) -> list[str]:
    """Every hidden count, and every union of two hidden parts of a total, that the
    published figures pin to one value below the threshold."""
    t = model.threshold
    names = list(model.values)
    index = {n: i for i, n in enumerate(names)}
    bounds = []
    for n in names:
        v = model.values[n]
        if _is_count(v):
            bounds.append((v, v))
        elif v == f"< {t}":
            bounds.append((1, t - 1))
        else:
            bounds.append((0, None))
    a_eq, a_ub, b_ub = [], [], []
    for whole, parts in model.relations:
        row = np.zeros(len(names))
        row[index[whole]] = 1
        for p in parts:
            row[index[p]] -= 1
        a_eq.append(row)
    for part, whole, share in model.shares:
        lo, hi = _share_interval(share)
        if lo is None:
            continue
        # 100·part − lo·whole ≥ 0 and 100·part − hi·whole ≤ 0
        row = np.zeros(len(names))
        row[index[part]], row[index[whole]] = -100.0, lo
        a_ub.append(row)
        b_ub.append(0.0)
        row = np.zeros(len(names))
        row[index[part]], row[index[whole]] = 100.0, -hi
        a_ub.append(row)
        b_ub.append(0.0)
    targets = [(n,) for n in names if not _is_count(model.values[n])]
    for _whole, parts in model.relations:
        hidden = [p for p in parts if not _is_count(model.values[p])]
        targets += list(combinations(hidden, 2))
        if len(hidden) > 2:
            targets.append(tuple(hidden))
    found = []
    kwargs = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.zeros(len(a_eq)) if a_eq else None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "bounds": bounds,
        "method": "highs",
    }
    for target in dict.fromkeys(targets):
        c = np.zeros(len(names))
        for n in target:
            c[index[n]] = 1
        low = linprog(c, **kwargs)
        high = linprog(-c, **kwargs)
        if low.status != 0 or high.status != 0:
            continue
        lo, hi = low.fun, -high.fun
        if hi - lo < 0.5 and 0.5 < lo < t - 0.5:
            found.append(f"{' + '.join(target)} = {round(lo)}")
    return found


def _share_interval(value: Any) -> tuple[float | None, float | None]:
    """What a published share says about 100·part/whole."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value - 0.05, value + 0.05
    if isinstance(value, str) and value.endswith("%"):
        number = float(value.strip("<> %"))
        if value.startswith("<"):
            return 0.0, number
        if value.startswith(">"):
            return number, 100.0
    return None, None


def attack(model: Model) -> list[str]:
    """Every count of people below the threshold the model's figures give away."""
    return subtractions(model) + linear_program(model)


# --------------------------------------------------------------------------- models


def profile_model(profile: dict, variables: list[dict] | None = None, threshold: int = 10) -> Model:
    """The attacker's model of a published profile (the run's result, and its variables
    when they are served apart, as the API does)."""
    m = Model(threshold)
    variables = profile.get("variables") if variables is None else variables
    rows = m.qty("rows", profile.get("rows_count"))
    sex_column = (profile.get("pyramid") or {}).get("sex_column")
    sex_tops: dict[str, list[str]] = {"1": [], "2": [], "x": []}
    for var in variables or []:
        name = var["name"]
        conf, plaus = var["conformance"], var["plausibility"]
        if var.get("rows_count") is not None:
            m.qty(rows, var["rows_count"])
        missing = m.qty(f"{name}.missing", var["missing_count"])
        present = m.qty(f"{name}.checked", conf["checked_count"])
        m.total(rows, [missing, present])
        m.shares.append((present, rows, var.get("completeness_pct")))
        failed = m.qty(f"{name}.failed", conf["failed_count"])
        passed = m.qty(f"{name}.passed")
        m.total(present, [failed, passed])
        m.shares.append((passed, present, conf.get("pct")))
        type_failed = m.qty(f"{name}.type_failed", conf.get("type_failed_count"))
        for kind in ("type_failed", "length_failed", "format_failed", "value_set_failed"):
            m.subset(failed, m.qty(f"{name}.{kind}", conf.get(f"{kind}_count")))
        typed = f"{name}.typed"
        if plaus.get("rules"):
            m.qty(typed, plaus["checked_count"])
            m.total(present, [typed, type_failed])
            pfailed = m.qty(f"{name}.plausibility_failed", plaus["failed_count"])
            ppassed = m.qty(f"{name}.plausibility_passed")
            m.total(typed, [pfailed, ppassed])
            m.shares.append((ppassed, typed, plaus.get("pct")))
            for rule in plaus["rules"]:
                rf = m.qty(f"{name}.rule.{rule['rule']}", rule["failed_count"])
                rp = m.qty(f"{name}.rule_passed.{rule['rule']}")
                m.total(typed, [rf, rp])
                m.shares.append((rp, typed, rule.get("pct")))
        if var.get("top_values") or var.get("other_count") is not None:
            tops = []
            for v in var.get("top_values") or []:
                tops.append(m.qty(f"{name}.top.{v['value']}", v["count"]))
                code = v["value"].lstrip("0") or "0"
                if name == sex_column or var.get("kind") == "sex":
                    sex_tops[code if code in ("1", "2") else "x"].append(tops[-1])
            m.total(present, [*tops, m.qty(f"{name}.other", var.get("other_count"))])
        if var.get("histogram"):
            m.qty(typed)
            if not plaus.get("rules"):
                m.total(present, [typed, type_failed])
            m.total(
                typed,
                [m.qty(f"{name}.bin.{i}", b["count"]) for i, b in enumerate(var["histogram"])],
            )
    pk = profile.get("primary_key")
    if pk:
        dups = m.qty("pk.duplicates", pk["duplicate_count"])
        m.total(rows, [dups, m.qty("pk.null", pk["null_key_count"]), m.qty("pk.unique")])
        m.subset(dups, m.qty("pk.duplicated_keys", pk["duplicated_key_count"]))
    for i, fk in enumerate(profile.get("foreign_keys") or []):
        checked = m.qty(f"fk{i}.checked", fk["checked_count"])
        m.subset(rows, checked)
        orphans = m.qty(f"fk{i}.orphans", fk["orphan_count"])
        ok = m.qty(f"fk{i}.ok")
        m.total(checked, [orphans, ok])
        m.shares.append((ok, checked, fk.get("pct_ok")))
    split = profile.get("sex_split")
    if split:
        cells = {c["value"]: m.qty(f"sex.{c['value']}", c["count"]) for c in split}
        m.total(rows, list(cells.values()))
        sex_var = next(
            (v for v in variables or [] if v.get("kind") == "sex" or v["name"] == sex_column),
            None,
        )
        if sex_var is not None and set(cells) == {"1", "2", "other"}:
            # the sex column's values present are men + women + other codes (x); the
            # split's "other" is its missing values + x; unlisted values are in "other"
            name = sex_var["name"]
            x = m.qty("sex.x")
            m.total(f"{name}.checked", [cells["1"], cells["2"], x])
            m.total(cells["other"], [f"{name}.missing", x])
            if f"{name}.other" in m.values:
                rests = []
                for code, whole in (("1", cells["1"]), ("2", cells["2"]), ("x", x)):
                    tops = sex_tops.get(code, [])
                    rests.append(m.qty(f"sex.{code}.not listed"))
                    m.total(whole, [*tops, rests[-1]])
                m.total(f"{name}.other", rests)
    pyramid = profile.get("pyramid")
    if pyramid:
        male = [m.qty(f"band.{i}.m", b["male_count"]) for i, b in enumerate(pyramid["bands"])]
        female = [m.qty(f"band.{i}.f", b["female_count"]) for i, b in enumerate(pyramid["bands"])]
        m.total(rows, [*male, *female, m.qty("pyramid.unknown", pyramid["unknown_count"])])
        if split:
            for code, cells_ in (("1", male), ("2", female)):
                if f"sex.{code}" in m.values:
                    m.total(f"sex.{code}", [*cells_, m.qty(f"sex.{code}.no age")])
    return m


def attack_profile(
    profile: dict, variables: list[dict] | None = None, threshold=10, *, facts=None
) -> list[str]:
    """What the published profile gives away; ``facts`` (name → count) is what the
    attacker knows besides (that no one is coded 9, say: ``{"sex.x": 0}``)."""
    model = profile_model(profile, variables, threshold)
    for name, value in (facts or {}).items():
        model.values[name] = value
    return attack(model)
