"""Benchmark of the profiling engine on a 10-million-row table shaped like ER_PRS_F.

    .venv/bin/python bench/profiling.py [--rows 10000000] [--format parquet|csv]
                                        [--sample 1000000] [--no-ydata] [--workdir DIR]

Generates the table with DuckDB (streamed to Parquet or CSV in a temporary folder), then
measures side by side, each in its own subprocess so that peak memories do not mix:

- ``engine``: ``catalogue.profiling.profile_file`` (full profile: stats, exact percentiles,
  top values, histograms, conformance, plausibility, duplicate keys, age pyramid);
- ``summarize``: DuckDB ``SUMMARIZE`` of the same file, the near-limit reference;
- ``ydata``: ydata-profiling in minimal mode on a sample (1M rows by default), scaled to
  rows/s. ydata-profiling is not a project dependency: it is installed in a throwaway
  virtualenv (``var/bench-venv-ydata``) the first time; the column is skipped with a
  message when that fails (no network, …).

Prints rows/s, peak RSS and the ratios against the targets (≥ 10× ydata minimal,
within 2× of SUMMARIZE, peak < 2 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YDATA_VENV = ROOT / "var" / "bench-venv-ydata"

COLUMNS = [
    # name, Frictionless type, length, nomenclature codes (None: no nomenclature)
    ("BEN_NIR_PSA", "string", "17", None),
    ("BEN_SEX_COD", "integer", "1", ["0", "1", "2", "9"]),
    ("BEN_NAI_ANN", "year", "4", None),
    ("EXE_SOI_DTD", "date", "8", None),
    ("EXE_SOI_DTF", "date", "8", None),
    ("PRS_NAT_REF", "integer", "4", [str(c) for c in range(1100, 1160)]),
    ("PSE_SPE_COD", "integer", "2", [str(c) for c in range(0, 81)]),
    ("PSE_ACT_NAT", "integer", "2", [str(c) for c in range(0, 61)]),
    ("PFS_EXE_NUM", "string", "9", None),
    ("PRS_ACT_QTE", "number", "4,2", None),
    ("PRS_PAI_MNT", "number", "4,2", None),
    ("DCT_ORD_NUM", "integer", "9", None),
    ("FLX_DIS_DTD", "date", "8", None),
    ("FLX_EMT_NUM", "integer", "2", None),
    ("FLX_EMT_ORD", "integer", "4", None),
    ("FLX_EMT_TYP", "integer", "2", None),
    ("FLX_TRT_DTD", "date", "8", None),
    ("ORG_CLE_NUM", "string", "9", None),
    ("PRS_ORD_NUM", "integer", "5", None),
    ("REM_TYP_AFF", "integer", "8", None),
]
PRIMARY_KEY = [
    "DCT_ORD_NUM",
    "FLX_DIS_DTD",
    "FLX_EMT_NUM",
    "FLX_EMT_ORD",
    "FLX_EMT_TYP",
    "FLX_TRT_DTD",
    "ORG_CLE_NUM",
    "PRS_ORD_NUM",
    "REM_TYP_AFF",
]

GENERATE = """
SELECT
  printf('%017d', p) AS BEN_NIR_PSA,
  CAST(CASE WHEN p % 1000 = 0 THEN 9 ELSE 1 + p % 2 END AS INTEGER) AS BEN_SEX_COD,
  CAST(1920 + (p * 7919) % 104 AS INTEGER) AS BEN_NAI_ANN,
  DATE '2019-01-01' + CAST(h % 1826 AS INTEGER) AS EXE_SOI_DTD,
  DATE '2019-01-01' + CAST(h % 1826 + (h >> 20) % 30 AS INTEGER) AS EXE_SOI_DTF,
  CAST(1100 + (h >> 8) % 60 AS INTEGER) AS PRS_NAT_REF,
  CAST((h >> 12) % 81 AS INTEGER) AS PSE_SPE_COD,
  CAST((h >> 16) % 61 AS INTEGER) AS PSE_ACT_NAT,
  printf('%09d', (h >> 24) % 100000) AS PFS_EXE_NUM,
  CAST(1 + ((h >> 28) % 100 = 0)::INTEGER * ((h >> 32) % 5) AS DOUBLE) AS PRS_ACT_QTE,
  CASE WHEN (h >> 36) % 50 = 0 THEN NULL
       ELSE round(((h >> 40) % 20000) / 100.0 - CASE WHEN (h >> 44) % 500 = 0 THEN 50 ELSE 0 END, 2)
  END AS PRS_PAI_MNT,
  CAST(k // 3 AS BIGINT) AS DCT_ORD_NUM,
  DATE '2019-01-01' + CAST((k // 300000) * 30 AS INTEGER) AS FLX_DIS_DTD,
  CAST(1 + (k // 1000) % 30 AS INTEGER) AS FLX_EMT_NUM,
  CAST(1 + (k // 100) % 500 AS INTEGER) AS FLX_EMT_ORD,
  CAST(1 + (k // 7) % 3 AS INTEGER) AS FLX_EMT_TYP,
  DATE '2019-01-01' + CAST((k // 300000) * 30 + 2 AS INTEGER) AS FLX_TRT_DTD,
  printf('%09d', 1000 + (k // 50000) % 100) AS ORG_CLE_NUM,
  CAST(k % 3 AS INTEGER) AS PRS_ORD_NUM,
  CAST(CASE WHEN (k // 1000) % 4 = 0 THEN 1200 ELSE 0 END AS INTEGER) AS REM_TYP_AFF
FROM (
  SELECT range AS i,
         -- row 1 and every 1,000,000th row after it repeat the key of the row before:
         -- known duplicates
         CASE WHEN range % 1000000 = 1 THEN range - 1 ELSE range END AS k,
         CAST(hash(range) % 1000000 AS BIGINT) AS p,
         hash(range * 31 + 7) AS h
  FROM range({rows})
)
"""


def generate(path: Path, rows: int, fmt: str) -> float:
    import duckdb

    started = time.monotonic()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    query = GENERATE.format(rows=int(rows))
    if fmt == "parquet":
        con.execute(f"COPY ({query}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    else:
        con.execute(f"COPY ({query}) TO '{path}' (FORMAT csv, DELIMITER ';', HEADER)")
    con.close()
    return time.monotonic() - started


def specs():
    sys.path.insert(0, str(ROOT))
    from catalogue.profiling import ColumnSpec

    return [
        ColumnSpec(name=n, type=t, length=length, nomenclature=codes)
        for n, t, length, codes in COLUMNS
    ]


# --------------------------------------------------------------------------- children


def child_engine(path: str, memory_limit: str) -> dict:
    from catalogue.profiling import profile_file

    started = time.monotonic()
    profile = profile_file(path, specs(), primary_key=PRIMARY_KEY, memory_limit=memory_limit)
    seconds = time.monotonic() - started
    return {
        "rows": profile.rows,
        "seconds": seconds,
        "grade": profile.scores.grade,
        "duplicates": profile.primary_key.duplicates,
    }


def child_summarize(path: str, memory_limit: str) -> dict:
    import duckdb

    con = duckdb.connect(config={"memory_limit": memory_limit})
    reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
    started = time.monotonic()
    result = con.execute(f"SUMMARIZE SELECT * FROM {reader}('{path}')").fetchall()  # noqa: S608
    seconds = time.monotonic() - started
    rows = con.execute(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0]  # noqa: S608
    return {"rows": rows, "seconds": seconds, "columns": len(result)}


YDATA_CHILD = r"""
import json, resource, sys, time
import pandas as pd
from ydata_profiling import ProfileReport
path = sys.argv[1]
df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path, sep=";")
started = time.monotonic()
ProfileReport(df, minimal=True, progress_bar=False).to_json()
seconds = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": len(df), "seconds": seconds, "peak_bytes": peak}))
"""


def run_child(kind: str, path: str, memory_limit: str) -> dict:
    """Run one measurement in a fresh interpreter; its own peak RSS is reported."""
    if kind == "ydata":
        cmd = [str(YDATA_VENV / "bin" / "python"), "-c", YDATA_CHILD, path]
    else:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--file",
            path,
            "--memory-limit",
            memory_limit,
        ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_ydata() -> str | None:
    """Install ydata-profiling in a throwaway venv; return a reason when impossible."""
    python = YDATA_VENV / "bin" / "python"
    check = [str(python), "-c", "import ydata_profiling, pyarrow"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(YDATA_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "ydata-profiling", "pyarrow"],
            check=True,
            timeout=1800,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        return f"ydata-profiling could not be installed ({exc})"
    if subprocess.run(check, capture_output=True).returncode != 0:
        return "ydata-profiling installed but does not import"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--no-ydata", action="store_true")
    parser.add_argument("--workdir")
    parser.add_argument("--child", choices=("engine", "summarize"))
    parser.add_argument("--file")
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT))
        fn = child_engine if args.child == "engine" else child_summarize
        result = fn(args.file, args.memory_limit)
        result["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(result))
        return

    workdir = Path(tempfile.mkdtemp(prefix="hdh-bench-profiling-", dir=args.workdir))
    try:
        ext = args.format
        big = workdir / f"ER_PRS_F.{ext}"
        seconds = generate(big, args.rows, args.format)
        size = big.stat().st_size
        print(
            f"generated {args.rows:,} rows × {len(COLUMNS)} columns, {args.format}, "
            f"{size / 1e6:.0f} MB in {seconds:.1f} s ({os.cpu_count()} CPUs)"
        )
        results = {}
        for kind in ("engine", "summarize"):
            results[kind] = run_child(kind, str(big), args.memory_limit)
        reason = "--no-ydata" if args.no_ydata else ensure_ydata()
        if reason is None:
            sample = workdir / f"ER_PRS_F_sample.{ext}"
            generate(sample, min(args.sample, args.rows), args.format)
            results["ydata"] = run_child("ydata", str(sample), args.memory_limit)
        report(results, reason, args.rows)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(results: dict, ydata_skipped: str | None, rows: int) -> None:
    print(f"\n{'tool':<34}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak RSS':>12}")
    labels = {
        "engine": "HDH profile_file (full profile)",
        "summarize": "DuckDB SUMMARIZE",
        "ydata": "ydata-profiling minimal (sample)",
    }
    for kind, r in results.items():
        r["rate"] = r["rows"] / r["seconds"]
        print(
            f"{labels[kind]:<34}{r['rows']:>12,}{r['seconds']:>10.2f}{r['rate']:>14,.0f}"
            f"{r['peak_bytes'] / 2**20:>10.0f} MB"
        )
    eng = results["engine"]
    print()
    vs_summ = results["summarize"]["rate"] / eng["rate"]
    print(
        f"engine time / SUMMARIZE time: {vs_summ:.2f}  (target ≤ 2)  "
        f"{'OK' if vs_summ <= 2 else 'MISSED'}"
    )
    if "ydata" in results:
        speedup = eng["rate"] / results["ydata"]["rate"]
        print(
            f"engine rows/s ÷ ydata minimal rows/s: {speedup:.1f}×  (target ≥ 10×)  "
            f"{'OK' if speedup >= 10 else 'MISSED'}"
        )
    else:
        print(f"ydata-profiling column skipped: {ydata_skipped}")
    peak_gb = eng["peak_bytes"] / 2**30
    print(
        f"engine peak RSS: {peak_gb:.2f} GB  (target < 2 GB)  {'OK' if peak_gb < 2 else 'MISSED'}"
    )
    expected = len(range(1, rows, 1_000_000))
    print(
        f"engine found {eng['duplicates']} duplicate keys (generated: {expected}), "
        f"grade {eng['grade']}"
    )


if __name__ == "__main__":
    main()
