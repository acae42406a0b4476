"""SNDS → OMOP CDM v5.4 conversion (pure Python, no Django).

``run_conversion`` converts an extract folder with the pandas or the Spark engine;
``generate_extract`` writes a synthetic SNDS extract. See OMOP_MAPPING.md for the rules.
"""

from .api import run_conversion
from .errors import ConversionCancelled, InputError
from .report import Report

__all__ = ["ConversionCancelled", "InputError", "Report", "run_conversion"]
