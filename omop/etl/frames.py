"""pandas helper of the small dimension tables that ``mapping.py`` builds in Python."""

from __future__ import annotations

import pandas as pd

from .spec import fields


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table's spec columns in spec order, typed; absent columns are null.

    ints → ``Int64``, floats → ``float64``, dates → ISO text, text → truncated to the
    spec's length (``varchar(50)`` holds at most 50 characters).
    """
    n = len(frame)
    out = {}
    for f in fields(table):
        col = frame[f.name] if f.name in frame.columns else pd.Series([None] * n, index=frame.index)
        if f.kind == "int":
            col = pd.array(col, dtype="Int64") if n else pd.array([], dtype="Int64")
        elif f.kind == "float":
            col = pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            col = col.astype("str")
            size = f.datatype[len("varchar(") : -1] if f.datatype.startswith("varchar") else ""
            if size.isdigit():
                col = col.str.slice(0, int(size))
        out[f.name] = col
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)
