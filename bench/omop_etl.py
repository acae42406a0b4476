"""Benchmark of the SNDS → OMOP conversion: both engines against a plain read of the input.

    .venv/bin/python bench/omop_etl.py [--persons 100000] [--workdir var/bench/omop]
                                       [--engines pandas,spark] [--output-format parquet]

1. generates a synthetic extract of ``--persons`` persons as Parquet (reused when present);
2. for each engine, in a child process: a plain read of every input file with that engine
   (pyarrow → pandas; Spark scan of every column); for Spark, two reference jobs: ER_PRS_F
   read and shuffled once, and the least work any conversion does (reads, one MD5 id per
   line and per drug row, the flux-key join, two Parquet writes: the floor of the Spark
   engine on this machine); then the conversion;
3. prints ER_PRS_F rows/s (and per core), peak memory of the process tree (JVM included),
   and the ratio conversion time / plain read time.

An engine that would leave less than 1 GB of RAM free is stopped and reported "out of
memory" with its peak (the pandas engine holds the whole extract in memory).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def plain_read(engine: str, extract: Path) -> float:
    files = sorted(p for p in extract.iterdir() if p.suffix == ".parquet")
    t0 = time.perf_counter()
    if engine == "pandas":
        import pyarrow.parquet as pq

        for f in files:
            pq.read_table(f).to_pandas()
    else:
        from omop.etl.spark import get_spark

        spark = get_spark()
        t0 = time.perf_counter()  # session start-up is not part of reading
        for f in files:
            spark.read.parquet(str(f)).write.format("noop").mode("overwrite").save()
    return time.perf_counter() - t0


def one_shuffle(extract: Path) -> float:
    """Spark only: read ER_PRS_F and shuffle its lines once, by patient, with the
    conversion's partitioning. Any conversion does at least this (visits group the lines),
    so its rows/s is a ceiling for the Spark engine on this machine."""
    from omop.etl.spark import get_spark, partitions_for

    spark = get_spark()
    prs = extract / "ER_PRS_F.parquet"
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions_for(prs.stat().st_size)))
    t0 = time.perf_counter()
    lines = spark.read.parquet(str(prs)).repartition("BEN_NIR_PSA")
    lines.write.format("noop").mode("overwrite").save()
    return time.perf_counter() - t0


def least_work(extract: Path, output: Path) -> float:
    """Spark only: the least work any conversion of this extract does, and nothing else:
    read ER_PRS_F and ER_PHA_F, hash one MD5 id per line and per drug row, join ER_PHA_F to
    its line on the typed flux key (one shuffle of both tables), write both to Parquet.
    No normalisation, no reject rule, no visit grouping: the floor of the Spark engine."""
    import shutil

    from pyspark.sql import functions as F

    from omop.etl import mapping as m
    from omop.etl.engine_spark import hash_id
    from omop.etl.spark import get_spark, partitions_for

    spark = get_spark()
    size = sum(p.stat().st_size for p in extract.iterdir())
    spark.conf.set("spark.sql.shuffle.partitions", str(partitions_for(size)))
    out = output.with_name(output.name + "_least_work")
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    prs = spark.read.parquet(str(extract / "ER_PRS_F.parquet"))
    pha = spark.read.parquet(str(extract / "ER_PHA_F.parquet"))
    visit = ("BEN_NIR_PSA", "EXE_SOI_DTD", "EXE_SOI_DTF", "PRS_NAT_REF", "PFS_EXE_NUM")
    key = [F.col(k) for k in visit]
    lines = prs.select(*m.FLUX_KEYS, hash_id(*key).alias("visit_occurrence_id"))
    lines.select("visit_occurrence_id").write.parquet(str(out / "visits"))
    drugs = pha.join(lines.hint("shuffle_merge"), list(m.FLUX_KEYS)).select(
        hash_id(F.col("visit_occurrence_id"), F.col("PHA_PRS_C13")).alias("drug_exposure_id"),
        "visit_occurrence_id",
        "PHA_PRS_C13",
    )
    drugs.write.parquet(str(out / "drugs"))
    elapsed = time.perf_counter() - t0
    shutil.rmtree(out)
    return elapsed


def child(engine: str, extract: Path, output: Path, fmt: str) -> None:
    from omop.etl import run_conversion

    read_s = plain_read(engine, extract)
    shuffle_s = one_shuffle(extract) if engine == "spark" else None
    least_s = least_work(extract, output) if engine == "spark" else None
    t0 = time.perf_counter()
    report = run_conversion(extract, output, engine=engine, fmt=fmt)
    conv_s = time.perf_counter() - t0
    import resource

    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"read_s": read_s, "one_shuffle_s": shuffle_s, "least_work_s": least_s,
                      "conversion_s": conv_s,
                      "python_peak_mb": own_mb, "report": report.to_dict()}))  # fmt: skip


# A run that leaves less than this much RAM free is stopped: pandas holds the whole extract
# in memory, and past the machine's RAM it would wake the OOM killer among the services.
MIN_FREE = 1_000_000_000


def _peak_rss(
    proc: psutil.Process, stop: threading.Event, peak: list[int], oom: threading.Event
) -> None:
    while not stop.is_set():
        try:
            rss = proc.memory_info().rss + sum(
                c.memory_info().rss for c in proc.children(recursive=True)
            )
            peak[0] = max(peak[0], rss)
            if psutil.virtual_memory().available < MIN_FREE:
                oom.set()
                for p in [*proc.children(recursive=True), proc]:
                    p.kill()
        except psutil.Error:
            pass
        stop.wait(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", default=str(REPO / "var" / "bench" / "omop"))
    parser.add_argument("--engines", default="pandas,spark")
    parser.add_argument("--output-format", default="parquet", choices=["parquet", "csv"])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, extract, output = args.child
        child(engine, Path(extract), Path(output), args.output_format)
        return

    work = Path(args.workdir)
    extract = work / f"snds_{args.persons}_{args.seed}"
    if not (extract / "ER_PRS_F.parquet").exists():
        from omop.etl.generator import generate_extract

        t0 = time.perf_counter()
        rows = generate_extract(extract, persons=args.persons, seed=args.seed, fmt="parquet")
        gen_s = time.perf_counter() - t0
        print(f"generated {args.persons} persons in {gen_s:.1f} s: {rows}")
    size = sum(p.stat().st_size for p in extract.iterdir()) / 1e6
    print(f"extract: {extract} ({size:.0f} MB Parquet)")
    cores = os.cpu_count() or 1
    results = {}
    for engine in args.engines.split(","):
        out = work / f"omop_{engine}"
        cmd = [sys.executable, __file__, "--output-format", args.output_format,
               "--child", engine, str(extract), str(out)]  # fmt: skip
        proc = subprocess.Popen(  # noqa: S603
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
        )
        stop, peak, oom = threading.Event(), [0], threading.Event()
        watcher = threading.Thread(
            target=_peak_rss, args=(psutil.Process(proc.pid), stop, peak, oom), daemon=True
        )
        watcher.start()
        stdout, stderr = proc.communicate()
        stop.set()
        if oom.is_set():
            total = psutil.virtual_memory().total / 1e9
            print(f"{engine}: stopped, out of memory (peak {peak[0] / 1e9:.1f} GB of {total:.0f})")
            continue
        if proc.returncode:
            print(f"{engine}: failed (exit {proc.returncode})\n{(stderr or '')[-3000:]}")
            continue
        data = json.loads(stdout.strip().splitlines()[-1])
        prs = data["report"]["rows_read"]["ER_PRS_F"]
        rate = prs / data["conversion_s"]
        results[engine] = {
            "er_prs_f_rows": prs,
            "conversion_s": round(data["conversion_s"], 1),
            "plain_read_s": round(data["read_s"], 1),
            "ratio_to_plain_read": round(data["conversion_s"] / data["read_s"], 1),
            # the ceiling: ER_PRS_F read and shuffled once, nothing computed
            "one_shuffle_s": data["one_shuffle_s"] and round(data["one_shuffle_s"], 1),
            "one_shuffle_rows_per_s_per_core": data["one_shuffle_s"]
            and round(prs / data["one_shuffle_s"] / cores),
            # the floor: only the reads, ids, join and writes every conversion needs
            "least_work_s": data["least_work_s"] and round(data["least_work_s"], 1),
            "least_work_rows_per_s_per_core": data["least_work_s"]
            and round(prs / data["least_work_s"] / cores),
            "er_prs_f_rows_per_s": round(rate),
            "er_prs_f_rows_per_s_per_core": round(rate / cores),
            "peak_memory_mb": round(peak[0] / 1e6),
            "python_process_peak_mb": round(data["python_peak_mb"]),
            "load_average": os.getloadavg(),
            "steps_s": data["report"]["durations"],
            "dq_passed": data["report"]["dq_passed"],
        }
        print(engine, json.dumps(results[engine], indent=1))
    print(f"\n{'engine':8} {'ER_PRS_F rows':>14} {'conv s':>8} {'read s':>7} {'ratio':>6} "
          f"{'rows/s':>9} {'rows/s/core':>12} {'peak MB':>8}")  # fmt: skip
    for engine, r in results.items():
        print(
            f"{engine:8} {r['er_prs_f_rows']:>14} {r['conversion_s']:>8} {r['plain_read_s']:>7} "
            f"{r['ratio_to_plain_read']:>6} {r['er_prs_f_rows_per_s']:>9} "
            f"{r['er_prs_f_rows_per_s_per_core']:>12} {r['peak_memory_mb']:>8}"
        )


if __name__ == "__main__":
    main()
