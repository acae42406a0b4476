"""SNDS → OMOP CDM v5.4 conversion (pure Python, no Django).

``run_conversion`` converts an extract folder with the DuckDB or the Spark engine (the
same SQL mapping, ``omop/etl/sql/``);
``generate_extract`` writes a synthetic SNDS extract. See OMOP_MAPPING.md for the rules.
"""

from .api import run_conversion
from .errors import ConversionCancelled, InputError
from .report import Report

__all__ = ["ConversionCancelled", "InputError", "Report", "run_conversion"]
