from tests.access import Case

MATRIX = [Case("/catalogue/", {}, name="catalogue:home")]
