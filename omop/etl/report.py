"""The conversion report and the run context (progress, cancellation, step timings)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ConversionCancelled

ProgressFn = Callable[[str, int, int, str], None]  # (step, pct, rows, message)


@dataclass
class Report:
    """Everything a user needs to trust (or question) a conversion; saved as JSON."""

    engine: str = ""
    input: str = ""
    output: str = ""
    format: str = ""
    tables: list[str] = field(default_factory=list)
    window: dict = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, dict[str, int]] = field(default_factory=dict)
    coverage: dict[str, dict] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    dq: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # what the caller must say to the user, as codes with parameters (never sentences):
    # {"code": "input_absent", "table": "ER_BIO_F", "outputs": ["measurement"]}
    notices: list[dict] = field(default_factory=list)
    # rows written per source table and target table (the stem's routing)
    routed: dict[str, dict[str, int]] = field(default_factory=dict)
    # rows kept with concept 0 whose source code is not well formed for its vocabulary
    unknown_codes: dict[str, dict[str, int]] = field(default_factory=dict)
    persons_without_events: int = 0
    # per output table and source vocabulary: distinct source codes and rows, and those
    # that reach a standard concept ({"codes", "codes_mapped", "rows", "rows_mapped"})
    vocabulary_mapping: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # seconds per SQL step (each output table and intermediate step, as its query ran: a
    # view costs nothing here and counts where it is read) and per output table written
    sql_durations: dict[str, float] = field(default_factory=dict)
    write_durations: dict[str, float] = field(default_factory=dict)
    status: str = "running"

    @property
    def dq_passed(self) -> bool:
        return all(c["passed"] for c in self.dq)

    def reject(self, table: str, reason: str, count: int) -> None:
        if count:
            bucket = self.rejected.setdefault(table, {})
            bucket[reason] = bucket.get(reason, 0) + int(count)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def time_sql(self, name: str, seconds: float) -> None:
        self.sql_durations[name] = round(self.sql_durations.get(name, 0.0) + seconds, 3)

    def notice(self, code: str, **params) -> None:
        entry = {"code": code, **params}
        if entry not in self.notices:
            self.notices.append(entry)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["dq_passed"] = self.dq_passed
        data["rows_rejected_total"] = {t: sum(r.values()) for t, r in self.rejected.items()}
        return data

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")


# The steps, in order, with the share of the progress bar each one ends at.
STEPS = (
    ("read", 10),
    ("person", 20),
    ("visit_occurrence", 45),
    ("drug_exposure", 55),
    ("procedure_occurrence", 58),
    ("events", 64),
    ("observation_period", 68),
    ("dimensions", 72),
    ("write", 92),
    ("dq", 100),
)
_END_PCT = dict(STEPS)


class Run:
    """Carries the report, the caller's progress callback and cancel check through a run."""

    def __init__(self, report: Report, progress: ProgressFn | None, cancel_check):
        self.report = report
        self._progress = progress
        self._cancel = cancel_check
        self._step = None
        self._t0 = 0.0
        self._pct = 0

    def step(self, name: str, message: str = "") -> None:
        """Close the current step (timing it) and start the next one.

        Naming the current step again (DCIR then PMSI visits) only reports the new part at
        the current percentage: progress never goes backwards and the timing goes on."""
        self.check_cancelled()
        if name == self._step:
            self.progress(self._pct, 0, message or name)
            return
        self._close()
        self._step, self._t0 = name, time.perf_counter()
        start = 0
        for step, pct in STEPS:
            if step == name:
                break
            start = pct
        self.progress(start, 0, message or name)

    @property
    def current(self) -> str | None:
        """The step under way (None before the first and after the last)."""
        return self._step

    def progress(self, pct: int, rows: int = 0, message: str = "") -> None:
        self._pct = int(pct)
        if self._progress:
            self._progress(self._step or "", int(pct), int(rows), message)

    def done(self, rows: int = 0, message: str = "") -> None:
        self.progress(_END_PCT.get(self._step, 0), rows, message or f"{self._step} done")

    def finish(self) -> None:
        self._close()
        self._step = None

    def _close(self) -> None:
        if self._step:
            elapsed = time.perf_counter() - self._t0
            self.report.durations[self._step] = round(
                self.report.durations.get(self._step, 0.0) + elapsed, 3
            )

    def check_cancelled(self) -> None:
        if self._cancel and self._cancel():
            raise ConversionCancelled("The conversion was cancelled; nothing was written.")
