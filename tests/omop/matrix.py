from tests.access import Case, staff_only

MATRIX = [Case("/omop/", staff_only(["data"]), name="omop:home")]
