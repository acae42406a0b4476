"""Profiling of data files: statistics, Kahn quality indicators, chart data and the
small-cell rule. Plain Python on DuckDB, no Django import (the catalogue app wraps it)."""

from .engine import DEFAULT_MEMORY_LIMIT, orphan_rows, profile_file
from .errors import ProfilingError
from .results import TableProfile
from .scoring import database_scores, grade_for
from .specs import ColumnSpec, CuratorRules, ForeignKeyCheck, Kind, column_spec_from_frictionless

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "ColumnSpec",
    "CuratorRules",
    "ForeignKeyCheck",
    "Kind",
    "ProfilingError",
    "TableProfile",
    "column_spec_from_frictionless",
    "database_scores",
    "grade_for",
    "orphan_rows",
    "profile_file",
]
