"""Benchmark of the SNDS → OMOP conversion: each engine beside its own least-work floor.

    .venv/bin/python bench/omop_etl.py [--persons 10000] [--workdir var/bench/omop]
                                       [--engines duckdb,spark] [--output-format parquet]
                                       [--vocabulary DIR|demo]

1. generates a synthetic extract of ``--persons`` persons as Parquet (reused when present);
2. for each engine, each in its own child process (so each peak of memory is its own): a
   plain read of every input file with that engine; the **least-work floor** — the least any
   conversion of this extract does, and nothing else: read ER_PRS_F and ER_PHA_F, one MD5 id
   per line and per drug row (the project's id recipe, ``dialect.render("stable_id(…)")``),
   the flux-key join, two Parquet writes; then the conversion (``run_conversion``, Parquet
   in and out);
3. prints ER_PRS_F rows/s (and per core), the ratio conversion / floor, and the peak memory
   of the conversion's process tree (JVM included), the floor's beside it;
   for DuckDB also the **output floor**: every output table the conversion wrote, read back
   and written again in any order (one process, same engine settings). Any conversion must
   at least write those rows, and reading them ready-made is cheaper than computing them: when
   this alone exceeds 2.5 × the least-work floor, the issue's aim is out of reach without
   writing less;
4. with ``--vocabulary``, converts the same extract again in a child of its own, mapping the
   events with that vocabulary (OMOP_MAPPING.md Part 2), and prints both conversion times side
   by side. ``DIR`` is a vocabulary's Parquet copy (what ``omop_etl --vocabulary`` takes) or an
   Athena bundle (folder or zip, converted once under ``--workdir``); ``demo`` is the
   project's demo bundle (``omop.etl.demo_vocabulary``, local concepts, not Athena's).

5. ``--memory-limit`` is DuckDB's cap; ``--tables-on-disk both`` converts with DuckDB twice,
   its intermediate tables in memory then in a database file (``EngineConfig.tables_on_disk``;
   ``auto``, the default, lets the engine choose from the extract's size), and prints both.

An engine that would leave less than 1 GB of RAM free is stopped and reported "out of
memory" with its peak; one that would leave less than 10 GB of disk free, "out of disk".
Each phase's peak of disk use (its spill and scratch files) is printed beside its memory.
"""

# ruff: noqa: S608 -- the queries are built from the mapping's own column names
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

VISIT_KEY = ("BEN_NIR_PSA", "EXE_SOI_DTD", "EXE_SOI_DTF", "PRS_NAT_REF", "PFS_EXE_NUM")


def _least_work_sql(dialect: str, prs: str, pha: str) -> tuple[str, str]:
    """The floor's two queries (lines with their visit id; drug rows joined to their line)."""
    from omop.etl import mapping as m
    from omop.etl.dialect import render

    keys = ", ".join(m.FLUX_KEYS)
    lines = f"SELECT {keys}, stable_id({', '.join(VISIT_KEY)}) AS visit_occurrence_id FROM {prs}"
    drugs = (
        "SELECT stable_id(l.visit_occurrence_id, p.PHA_PRS_C13) AS drug_exposure_id, "
        f"l.visit_occurrence_id, p.PHA_PRS_C13 FROM {pha} AS p JOIN ({lines}) AS l ON "
        + " AND ".join(f"p.{k} = l.{k}" for k in m.FLUX_KEYS)
    )
    return (
        render(f"SELECT visit_occurrence_id FROM ({lines}) AS v", dialect),  # noqa: S608
        render(drugs, dialect),
    )


def plain_read(engine: str, extract: Path) -> float:
    files = sorted(p for p in extract.iterdir() if p.suffix == ".parquet")
    t0 = time.perf_counter()
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        for f in files:  # every value decoded, batch by batch: nothing held (as Spark's noop)
            reader = con.sql(f"SELECT * FROM read_parquet('{f}')").to_arrow_reader(1 << 20)
            for _batch in reader:
                pass
    else:
        from omop.etl.spark import get_spark

        spark = get_spark()
        t0 = time.perf_counter()  # session start-up is not part of reading
        for f in files:
            spark.read.parquet(str(f)).write.format("noop").mode("overwrite").save()
    return time.perf_counter() - t0


def least_work(engine: str, extract: Path, output: Path) -> float:
    """The floor of ``engine`` on this extract (see the module docstring)."""
    out = output.with_name(output.name + "_least_work")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    prs, pha = extract / "ER_PRS_F.parquet", extract / "ER_PHA_F.parquet"
    if engine == "duckdb":
        from omop.etl.config import EngineConfig
        from omop.etl.engine_duckdb import connect

        con = connect(EngineConfig(), out)
        visits, drugs = _least_work_sql(
            "duckdb", f"read_parquet('{prs}')", f"read_parquet('{pha}')"
        )
        t0 = time.perf_counter()
        con.execute(f"COPY ({visits}) TO '{out / 'visits.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY ({drugs}) TO '{out / 'drugs.parquet'}' (FORMAT parquet)")
    else:
        from omop.etl.spark import get_spark, partitions_for

        spark = get_spark()
        size = sum(p.stat().st_size for p in extract.iterdir())
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions_for(size)))
        spark.read.parquet(str(prs)).createOrReplaceTempView("bench_prs")
        spark.read.parquet(str(pha)).createOrReplaceTempView("bench_pha")
        visits, drugs = _least_work_sql("spark", "bench_prs", "bench_pha")
        t0 = time.perf_counter()
        spark.sql(visits).write.parquet(str(out / "visits"))
        spark.sql(drugs).write.parquet(str(out / "drugs"))
    elapsed = time.perf_counter() - t0
    shutil.rmtree(out)
    return elapsed


def rewrite_output(output: Path) -> dict:
    """The output floor (DuckDB): each output Parquet table read and written again, any order."""
    from omop.etl.config import EngineConfig
    from omop.etl.engine_duckdb import connect

    out = output.with_name(output.name + "_rewrite")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    con = connect(EngineConfig(), out)
    con.execute("SET preserve_insertion_order = false")
    tables = sorted(output.glob("*.parquet"))
    rows = 0
    t0 = time.perf_counter()
    for table in tables:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{table}')) TO '{out / table.name}' (FORMAT parquet)"
        )
        rows += con.execute(f"SELECT count(*) FROM read_parquet('{out / table.name}')").fetchone()[
            0
        ]
    elapsed = time.perf_counter() - t0
    shutil.rmtree(out)
    return {"seconds": elapsed, "tables": len(tables), "rows": rows}


def vocabulary_parquet(choice: str, work: Path) -> Path:
    """The Parquet copy the engines read for ``--vocabulary`` (made once under ``work``)."""
    from omop.etl.athena import open_bundle, to_parquet

    source = Path(choice)
    if (source / "concept.parquet").exists():
        return source
    folder = work / ("vocabulary_demo" if choice == "demo" else f"vocabulary_{source.stem}")
    if not (folder / "parquet" / "concept.parquet").exists():
        if choice == "demo":
            from omop.etl.demo_vocabulary import write_demo_bundle

            source = write_demo_bundle(folder / "bundle")
        shutil.rmtree(folder / "parquet", ignore_errors=True)
        to_parquet(open_bundle(source, folder / "work"), folder / "parquet")
    return folder / "parquet"


def child(
    phase: str, engine: str, extract: Path, output: Path, fmt: str, vocabulary: str, settings: dict
) -> None:
    """One phase in its own process, so that each peak of memory is its own (the plain read
    to Arrow peaks higher than the conversion, and used to count in its peak)."""
    import resource

    if phase == "read":
        data = {"seconds": plain_read(engine, extract)}
    elif phase == "floor":
        data = {"seconds": least_work(engine, extract, output)}
    elif phase == "output":
        data = rewrite_output(output)
    else:
        from omop.etl import run_conversion
        from omop.etl.config import EngineConfig

        config = EngineConfig(vocabulary_dir=vocabulary or None, **settings)
        t0 = time.perf_counter()
        log = output.with_name(output.name + ".progress")
        log.write_text("")

        def progress(step, pct, rows, _message):  # how far a run got when it is stopped
            with log.open("a") as f:
                f.write(f"{time.perf_counter() - t0:8.1f} s  {pct:3}%  {step} {rows}\n")

        report = run_conversion(extract, output, engine=engine, fmt=fmt, config=config,
                                progress=progress)  # fmt: skip
        data = {"seconds": time.perf_counter() - t0, "report": report.to_dict()}
    data["python_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(data))


# A run that leaves less than this much RAM free is stopped: pandas holds the whole extract
# in memory, and past the machine's RAM it would wake the OOM killer among the services.
MIN_FREE = 1_000_000_000
# ... and one that leaves less than this much disk free (DuckDB's spill grew to 61 GB at
# 1,000,000 persons): a full disk would stop the services too.
MIN_DISK = 10_000_000_000


def _watch(
    proc: psutil.Process, folder: Path, stop: threading.Event, peak: dict, why: list[str]
) -> None:
    """Peak memory of the process tree and peak disk use, until ``stop``; kills the tree
    when the machine runs short of either."""
    disk_start = psutil.disk_usage(str(folder)).used
    while not stop.is_set():
        try:
            rss = proc.memory_info().rss + sum(
                c.memory_info().rss for c in proc.children(recursive=True)
            )
            peak["rss"] = max(peak["rss"], rss)
            disk = psutil.disk_usage(str(folder))
            peak["disk"] = max(peak["disk"], disk.used - disk_start)
            if psutil.virtual_memory().available < MIN_FREE:
                why.append("memory")
            elif disk.free < MIN_DISK:
                why.append("disk")
            if why:
                for p in [*proc.children(recursive=True), proc]:
                    p.kill()
        except psutil.Error:
            pass
        stop.wait(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", default=str(REPO / "var" / "bench" / "omop"))
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--output-format", default="parquet", choices=["parquet", "csv"])
    parser.add_argument("--vocabulary", default="",
                        help="also convert with this vocabulary (Parquet copy, Athena bundle, or "
                        "'demo') and print both times")  # fmt: skip
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's memory cap")
    parser.add_argument("--tables-on-disk", default="auto", choices=["auto", "yes", "no", "both"])
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--child-settings", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--child-vocabulary", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        phase, engine, extract, output = args.child
        child(phase, engine, Path(extract), Path(output), args.output_format,
              args.child_vocabulary, json.loads(args.child_settings))  # fmt: skip
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
    vocabulary = str(vocabulary_parquet(args.vocabulary, work)) if args.vocabulary else ""
    if vocabulary:
        print(f"vocabulary: {vocabulary}")
    cores = os.cpu_count() or 1
    results, mapped = {}, {}
    for engine in args.engines.split(","):
        out = work / f"omop_{engine}"
        on_disk = {"auto": None, "yes": True, "no": False, "both": False}[args.tables_on_disk]
        settings = {"memory_limit": args.memory_limit}
        if engine == "duckdb":
            settings["tables_on_disk"] = on_disk
        read = _run_child("read", engine, extract, out, args.output_format, "")
        floor = read and _run_child("floor", engine, extract, out, args.output_format, "")
        if floor:  # printed at once: a conversion stopped later leaves these figures
            print(f"{engine}: plain read {read['seconds']:.1f} s (peak {read['peak_mb']} MB), "
                  f"least-work floor {floor['seconds']:.1f} s (peak {floor['peak_mb']} MB)",
                  flush=True)  # fmt: skip
        data = floor and _run_child(
            "convert", engine, extract, out, args.output_format, "", **settings
        )
        if data is None:
            continue
        both = None
        if engine == "duckdb" and args.tables_on_disk == "both":
            both = _run_child("convert", engine, extract, work / "omop_duckdb_on_disk",
                              args.output_format, "", **{**settings, "tables_on_disk": True})  # fmt: skip
            shutil.rmtree(work / "omop_duckdb_on_disk", ignore_errors=True)
            if both and both["report"]["rows_written"] != data["report"]["rows_written"]:
                print("the two DuckDB conversions wrote different row counts:",
                      both["report"]["rows_written"], data["report"]["rows_written"])  # fmt: skip
        data.update(read_s=read["seconds"], least_work_s=floor["seconds"],
                    conversion_s=data["seconds"])  # fmt: skip
        rewrite = None
        if engine == "duckdb" and args.output_format == "parquet":
            rewrite = _run_child("output", engine, extract, out, args.output_format, "")
        prs = data["report"]["rows_read"]["ER_PRS_F"]
        rate = prs / data["conversion_s"]
        results[engine] = {
            "er_prs_f_rows": prs,
            "conversion_s": round(data["conversion_s"], 1),
            "plain_read_s": round(data["read_s"], 1),
            # the floor: only the reads, ids, join and writes every conversion needs
            "least_work_s": round(data["least_work_s"], 1),
            "ratio_to_floor": round(data["conversion_s"] / data["least_work_s"], 2),
            "least_work_rows_per_s_per_core": round(prs / data["least_work_s"] / cores),
            # writing every output row again, any order: what no conversion can skip
            "output_floor_s": rewrite and round(rewrite["seconds"], 1),
            "output_rows": rewrite and rewrite["rows"],
            "output_floor_to_floor": rewrite
            and round(rewrite["seconds"] / data["least_work_s"], 2),
            "er_prs_f_rows_per_s": round(rate),
            "er_prs_f_rows_per_s_per_core": round(rate / cores),
            "peak_memory_mb": data["peak_mb"],  # the conversion's process tree alone
            "disk_peak_mb": data["disk_peak_mb"],  # its spill, scratch and output files
            "settings": settings,
            "tables_on_disk_conversion_s": both and round(both["seconds"], 1),
            "tables_on_disk_peak_memory_mb": both and both["peak_mb"],
            "tables_on_disk_disk_peak_mb": both and both["disk_peak_mb"],
            "floor_peak_memory_mb": floor["peak_mb"],
            "read_peak_memory_mb": read["peak_mb"],
            "python_process_peak_mb": round(data["python_peak_mb"]),
            "load_average": os.getloadavg(),
            "steps_s": data["report"]["durations"],
            "tables_s": _tables_s(data["report"]),
            "dq_passed": data["report"]["dq_passed"],
        }
        print(engine, json.dumps(results[engine], indent=1))
        if vocabulary:
            out = work / f"omop_{engine}_vocabulary"
            data = _run_child("convert", engine, extract, out, args.output_format, vocabulary,
                              **settings)  # fmt: skip
            if data is not None:
                data["conversion_s"] = data["seconds"]
                mapped[engine] = {
                    "conversion_s": round(data["conversion_s"], 1),
                    "peak_memory_mb": data["peak_mb"],
                    "load_average": os.getloadavg(),
                    "steps_s": data["report"]["durations"],
                    "tables_s": _tables_s(data["report"]),
                    "rows_with_standard_concept": _mapped_share(data["report"]),
                    "dq_passed": data["report"]["dq_passed"],
                }
                print(f"{engine} with vocabulary", json.dumps(mapped[engine], indent=1))
    print(f"\n{'engine':8} {'ER_PRS_F rows':>14} {'conv s':>8} {'floor s':>8} {'ratio':>6} "
          f"{'read s':>7} {'rows/s/core':>12} {'peak MB':>8} {'floor peak MB':>14} "
          f"{'output floor s':>15}")  # fmt: skip
    for engine, r in results.items():
        print(
            f"{engine:8} {r['er_prs_f_rows']:>14} {r['conversion_s']:>8} {r['least_work_s']:>8} "
            f"{r['ratio_to_floor']:>6} {r['plain_read_s']:>7} "
            f"{r['er_prs_f_rows_per_s_per_core']:>12} {r['peak_memory_mb']:>8} "
            f"{r['floor_peak_memory_mb']:>14} {r['output_floor_s'] or '—':>15}"
        )
    for engine, r in results.items():
        if r["tables_on_disk_conversion_s"]:
            print(f"{engine} intermediate tables in memory: {r['conversion_s']} s, peak "
                  f"{r['peak_memory_mb']} MB, disk {r['disk_peak_mb']} MB; in a database file: "
                  f"{r['tables_on_disk_conversion_s']} s, peak "
                  f"{r['tables_on_disk_peak_memory_mb']} MB, "
                  f"disk {r['tables_on_disk_disk_peak_mb']} MB")  # fmt: skip
    for engine, r in results.items():
        slowest = sorted(r["tables_s"].items(), key=lambda kv: -kv[1])
        print(f"{engine} per output table (SQL step + write, s): "
              + ", ".join(f"{t} {sec}" for t, sec in slowest))  # fmt: skip
    if mapped:
        print(f"\n{'engine':8} {'without vocabulary s':>21} {'with s':>7} {'ratio':>6} "
              f"{'peak MB without':>16} {'with':>6}  rows with a standard concept")  # fmt: skip
        for engine, w in mapped.items():
            r = results[engine]
            shares = ", ".join(f"{t} {v}%" for t, v in w["rows_with_standard_concept"].items())
            print(f"{engine:8} {r['conversion_s']:>21} {w['conversion_s']:>7} "
                  f"{w['conversion_s'] / r['conversion_s']:>6.2f} {r['peak_memory_mb']:>16} "
                  f"{w['peak_memory_mb']:>6}  {shares}")  # fmt: skip
            steps = [k for k in w["steps_s"] if k != "total"]
            extra = {k: round(w["steps_s"][k] - r["steps_s"].get(k, 0.0), 1) for k in steps}
            print(f"{engine} with - without vocabulary, per step (s): "
                  + ", ".join(f"{k} {sec:+}" for k, sec in extra.items()))  # fmt: skip


def _tables_s(report: dict) -> dict[str, float]:
    """Per output table: its own SQL step (views count where they are read) + writing."""
    return {
        t: round(report["sql_durations"].get(t, 0.0) + w, 2)
        for t, w in report["write_durations"].items()
    }


def _mapped_share(report: dict) -> dict[str, float]:
    """Per output table: the share of rows (all source vocabularies) with a standard concept."""
    shares = {}
    for table, by_vocabulary in report.get("vocabulary_mapping", {}).items():
        rows = sum(v.get("rows", 0) for v in by_vocabulary.values())
        if rows:
            done = sum(v.get("rows_mapped", 0) for v in by_vocabulary.values())
            shares[table] = round(100 * done / rows, 1)
    return shares


def _last_progress(out: Path) -> None:
    log = out.with_name(out.name + ".progress")
    if log.exists() and log.read_text():
        print(f"its last steps ({log}):\n" + "".join(log.read_text().splitlines(True)[-5:]))


def _run_child(
    phase: str, engine: str, extract: Path, out: Path, fmt: str, vocabulary: str, **settings
) -> dict | None:
    """One phase (read, floor, convert) in a child process, watched for its peak memory and
    disk use (None when it failed or was stopped, after saying so)."""
    cmd = [sys.executable, __file__, "--output-format", fmt, "--child-vocabulary", vocabulary,
           "--child-settings", json.dumps(settings),
           "--child", phase, engine, str(extract), str(out)]  # fmt: skip
    proc = subprocess.Popen(  # noqa: S603
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    stop, peak, why = threading.Event(), {"rss": 0, "disk": 0}, []
    watcher = threading.Thread(
        target=_watch, args=(psutil.Process(proc.pid), out.parent, stop, peak, why), daemon=True
    )
    watcher.start()
    stdout, stderr = proc.communicate()
    stop.set()
    label = f"{engine} {phase}{' with vocabulary' if vocabulary else ''} {settings or ''}"
    if why:
        total = (psutil.virtual_memory() if why[0] == "memory" else psutil.disk_usage("/")).total
        print(f"{label}: stopped, out of {why[0]} (peak memory {peak['rss'] / 1e9:.1f} GB, "
              f"disk used {peak['disk'] / 1e9:.1f} GB; {total / 1e9:.0f} GB in all)")  # fmt: skip
        _last_progress(out)
        return None
    if proc.returncode:
        print(f"{label}: failed (exit {proc.returncode})\n{(stderr or '')[-3000:]}")
        _last_progress(out)
        return None
    data = json.loads(stdout.strip().splitlines()[-1])
    data["peak_mb"] = round(peak["rss"] / 1e6)
    data["disk_peak_mb"] = round(peak["disk"] / 1e6)
    return data


if __name__ == "__main__":
    main()
