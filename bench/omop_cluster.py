"""Benchmark: the same conversion on a local Spark standalone cluster with one worker, then
with two (one master and the workers on 127.0.0.1, one core and ``--worker-memory`` each).

    .venv/bin/python bench/omop_cluster.py [--persons 10000] [--workdir var/bench/omop]

1. generates a synthetic Parquet extract of ``--persons`` persons (reused when present);
2. for 1 and 2 workers: starts the cluster (``omop.etl.standalone.local_cluster``), runs
   ``manage.py omop_etl --engine spark`` against its master in a child process, times it,
   checks that the master counted one finished application, stops the cluster by its pids;
3. prints both times and the speed-up. On this 2-core machine the driver shares the cores
   with the executors, so two workers cannot be twice as fast: the figure says how much of
   the second core the conversion uses.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def extract_for(persons: int, workdir: Path) -> Path:
    from omop.etl.generator import generate_extract

    folder = workdir / f"snds-{persons}-parquet"
    if not (folder / "ER_PRS_F.parquet").exists():
        generate_extract(folder, persons=persons, seed=1, fmt="parquet", include_example=True)
    return folder


def convert_on_cluster(extract: Path, output: Path, workers: int, memory: str) -> float:
    from omop.etl.standalone import local_cluster

    with local_cluster(workers=workers, cores_per_worker=1, memory_per_worker=memory) as c:
        env = {
            **os.environ,
            **c.env(),
            "PYSPARK_PYTHON": sys.executable,
            "PYSPARK_DRIVER_PYTHON": sys.executable,
        }
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "omop_etl", "--input", str(extract),
             "--output", str(output), "--engine", "spark", "--format", "parquet"],
            cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        elapsed = time.perf_counter() - t0
        apps = c.state()["completedapps"]
        assert len(apps) == 1 and apps[0]["cores"] == workers, apps
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench" / "omop")
    parser.add_argument("--worker-memory", default="2g")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    args.workdir.mkdir(parents=True, exist_ok=True)
    extract = extract_for(args.persons, args.workdir)
    import pyarrow.parquet as pq

    lines = pq.ParquetFile(extract / "ER_PRS_F.parquet").metadata.num_rows
    print(f"extract: {args.persons:,} persons, {lines:,} ER_PRS_F lines (Parquet)")
    times = {}
    for workers in (1, 2):
        out = args.workdir / f"omop-cluster-{workers}"
        times[workers] = convert_on_cluster(extract, out, workers, args.worker_memory)
        print(
            f"{workers} worker(s) × 1 core: {times[workers]:.1f} s "
            f"({lines / times[workers]:,.0f} ER_PRS_F rows/s)"
        )
    print(f"speed-up with the second worker: {times[1] / times[2]:.2f}×")


if __name__ == "__main__":
    main()
