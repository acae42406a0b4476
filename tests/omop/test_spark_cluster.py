"""The conversion scales out: a real Spark standalone cluster (one master, two workers on
127.0.0.1) gives the same rows as Spark ``local[*]`` and the embedded engine.

The cluster conversion runs in its own process (one SparkContext per JVM: the suite's shared
local session cannot also talk to a master), through the stable ``manage.py omop_etl``
interface, as an operator would run it against a cluster.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from omop.etl import run_conversion
from omop.etl.spec import TABLES
from omop.etl.standalone import local_cluster
from tests.conftest import REPO

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(workers=2, cores_per_worker=1, memory_per_worker="1g") as running:
        yield running
    # the context manager has stopped every process by its id: none may be left
    for pid in running.pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _read(folder, table):
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def test_a_conversion_on_a_two_worker_cluster_gives_the_local_rows(
    cluster, spark, parquet_extract, tmp_path
):
    assert cluster.alive_workers() == 2
    env = {
        **os.environ,
        **cluster.env(),
        # executors start Python workers: the same interpreter as the driver
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }
    on_cluster = tmp_path / "cluster"
    done = subprocess.run(
        [sys.executable, "manage.py", "omop_etl", "--input", str(parquet_extract),
         "--output", str(on_cluster), "--engine", "spark"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # it ran on the cluster's executors, not in a local JVM of its own
    apps = cluster.state()["completedapps"]
    assert len(apps) == 1 and apps[0]["cores"] == 2, apps

    local = tmp_path / "local"
    run_conversion(parquet_extract, local, engine="spark")
    for table in TABLES:
        pd.testing.assert_frame_equal(_read(on_cluster, table), _read(local, table), obj=table)
    assert len(_read(on_cluster, "visit_occurrence")) > 1000
