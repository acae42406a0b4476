"""A Spark standalone cluster on this machine: one master and N workers on the loopback.

What the tests and the benchmark use to prove that the conversion scales out: the same
launcher a real cluster runs (``spark-class`` of the installed pyspark, with
``org.apache.spark.deploy.master.Master`` and ``org.apache.spark.deploy.worker.Worker``),
every process bound to 127.0.0.1, workers writing into a temporary folder (never into the
installed package), and every process stopped by its id when the ``with`` block ends,
whatever happens inside it.

No Django import: ``omop/etl`` is a plain package.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


class ClusterError(RuntimeError):
    """The local cluster did not come up; carries the tail of its logs."""


@dataclass
class LocalCluster:
    master_url: str
    webui_url: str
    workers: int
    folder: Path
    pids: list[int] = field(default_factory=list)

    def state(self) -> dict:
        """The master's own account of its workers and applications (its JSON status)."""
        return _master_state(self.webui_url)

    def alive_workers(self) -> int:
        return int(self.state().get("aliveworkers", 0))

    def env(self) -> dict[str, str]:
        """The environment a driver needs to run against this cluster."""
        return {
            "SPARK_MASTER_URL": self.master_url,
            "SPARK_LOCAL_IP": LOOPBACK,
        }


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _master_state(webui_url: str) -> dict:
    with urllib.request.urlopen(f"{webui_url}/json/", timeout=2) as answer:  # noqa: S310 (loopback)
        return json.load(answer)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def local_cluster(
    workers: int = 2,
    cores_per_worker: int = 1,
    memory_per_worker: str = "1g",
    start_timeout: float = 90.0,
) -> Iterator[LocalCluster]:
    """Start a master and ``workers`` workers on 127.0.0.1; stop them all on exit."""
    home = spark_home()
    launcher = home / "bin" / "spark-class"
    folder = Path(tempfile.mkdtemp(prefix="hdh-spark-cluster-"))
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": LOOPBACK,
        "SPARK_WORKER_DIR": str(folder / "work"),
        "SPARK_LOG_DIR": str(folder / "logs"),
        "SPARK_NO_DAEMONIZE": "1",
    }
    env.pop("SPARK_MASTER_URL", None)
    port, webui = _free_port(), _free_port()
    cluster = LocalCluster(
        master_url=f"spark://{LOOPBACK}:{port}",
        webui_url=f"http://{LOOPBACK}:{webui}",
        workers=workers,
        folder=folder,
    )
    logs: list[Path] = []

    def start(name: str, *args: str) -> None:
        log = folder / f"{name}.log"
        logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (the installed launcher, fixed arguments)
                [str(launcher), *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        cluster.pids.append(process.pid)

    try:
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", LOOPBACK, "--port", str(port), "--webui-port", str(webui),
        )  # fmt: skip
        _wait(lambda: _master_state(cluster.webui_url) is not None, start_timeout, logs)
        for index in range(workers):
            work = folder / "work" / f"worker-{index}"
            work.mkdir(parents=True)
            start(
                f"worker-{index}",
                "org.apache.spark.deploy.worker.Worker",
                cluster.master_url,
                "--host", LOOPBACK, "--webui-port", str(_free_port()),
                "--cores", str(cores_per_worker), "--memory", memory_per_worker,
                "--work-dir", str(work),
            )  # fmt: skip
        _wait(lambda: cluster.alive_workers() >= workers, start_timeout, logs)
        yield cluster
    finally:
        for pid in cluster.pids:
            _stop(pid)
        shutil.rmtree(folder, ignore_errors=True)


def _wait(ready, timeout: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise ClusterError(
        "the local Spark cluster did not start in time:\n"
        + "\n".join(f"--- {log.name}\n{_tail(log)}" for log in logs)
    )


def _stop(pid: int, grace: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL what is left after ``grace`` seconds."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if finished:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
