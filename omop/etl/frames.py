"""pandas helpers shared by the pandas engine and the dimension tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .spec import fields
from .values import hash_key


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


def hash_columns(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Stable id of each row from the given (text) columns; missing → empty string."""
    if len(frame) == 0:
        return pd.Series([], dtype="Int64", index=frame.index)
    key = frame[cols[0]].fillna("").astype("str")
    for c in cols[1:]:
        key = key + "|" + frame[c].fillna("").astype("str")
    codes, uniques = pd.factorize(key)
    uniques = np.asarray(uniques, dtype=object)
    ids = np.fromiter(map(hash_key, uniques), dtype=np.int64, count=len(uniques))
    return pd.Series(ids[codes], index=frame.index, dtype="Int64")


def id_text(series: pd.Series) -> pd.Series:
    """An id column as the decimal text that feeds another hash."""
    return series.astype("Int64").astype("str")
