from tests.access import Case

MATRIX = [Case("/publications/", {}, name="bibliometrics:dashboard")]
