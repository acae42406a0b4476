"""What every chart of the portal shares, in Python (no Django): the colours.

The same values reach the browser through ``portal/_plotly.html`` (``hdh-chart-palette``),
so a figure built in Python and one built in JavaScript use one palette for sex.
"""

# DSFR colours: blue France for men, "terre battue" orange for women (distinguishable by
# people with the common colour-vision deficiencies), grey for unknown.
SEX_COLORS = {"M": "#000091", "F": "#E4794A", "unknown": "#929292"}

PALETTE = {
    "sex": SEX_COLORS,
    "main": "#000091",
    "secondary": "#6A6AF4",
    "positive": "#18753C",
    "grey": "#929292",
    # Sequential scale from white (0) to blue France: an absent value reads as blank.
    "sequential": [[0, "#FFFFFF"], [0.15, "#E3E3FD"], [0.5, "#6A6AF4"], [1, "#000091"]],
}
