"""Load test of the public pages and the search: gunicorn + PostgreSQL + Redis on 127.0.0.1.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hdh_bench \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/load.py [--seed]

Starts gunicorn (its own process group, stopped by its pid at the end, whatever happens),
migrates the database and, with ``--seed`` or when the catalogue is empty, loads the demo
data. Then ``--users`` simulated visitors (a bounded asyncio + httpx client: one request at
a time each; ``--think MIN,MAX`` seconds between two requests, as locust's
``between(1, 3)``; none by default) walk the home page, the catalogue, its search (pages and
API), table pages, the publications dashboard and the public directory for ``--duration``
seconds after a warm-up. Prints p50, p95, p99, throughput and errors (any status >= 400 or
transport error). Aim: p95 under 300 ms and no error with 50 users.

In the same run, against the same server, it measures the **floor** that bounds any such
figure: the server's capacity X (requests/s with as many back-to-back users as gunicorn has
workers) and one user's own p95. A closed loop of N users thinking Z seconds cannot wait
less, on average, than N / X − Z (Little's law): with no think time and X below N / 0.3 s,
the 300 ms aim is out of reach of the machine, not of the code.

All the users come from 127.0.0.1, so the per-address rate limits would measure the
limiter rather than the portal: the bench raises them (RATELIMIT_SEARCH, _EXPORT).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SEARCHES = [
    "sexe",
    "date de naissance",
    "décès",
    "pharmacie",
    "BEN_NIR_PSA",
    "acte",
    "prestation",
    "finess",
    "bénéficiaire",
    "diagnostic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hdh_bench"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "LOG_LEVEL": "WARNING",
        "HDH_VAR_DIR": os.environ.get("BENCH_VAR_DIR", "/tmp/hdh-bench-load"),
        "RATELIMIT_SEARCH": "1000000/m",
        "RATELIMIT_EXPORT": "1000000/m",
    }
    if not env["DATABASE_URL"].startswith("postgres"):
        sys.exit("BENCH_DATABASE_URL must name a PostgreSQL database")
    return env


def _manage(env, *args) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return out.stdout


def _prepare(env, seed: bool) -> None:
    _manage(env, "migrate", "--no-input", "-v0")
    count = _manage(
        env, "shell", "-c", "from catalogue.models import Table; print(Table.objects.count())"
    )
    if seed or int(count.strip().splitlines()[-1]) == 0:
        print("seeding the demo data…", flush=True)
        _manage(env, "seed_demo")


def _start_gunicorn(env, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,  # its own group: stopped whole by its pid below
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


async def _wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                await client.get("/healthz")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


async def _urls(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    """(kind, url) pairs the visitors walk: public pages and searches."""
    urls = [
        ("home", "/"),
        ("catalogue", "/catalogue/"),
        ("publications", "/publications/"),
        ("directory", "/dossiers/repertoire/"),
    ]
    urls += [("search page", f"/catalogue/recherche/?q={q}") for q in SEARCHES]
    urls += [("search API", f"/api/catalogue/search/?q={q}") for q in SEARCHES[:5]]
    tables = (await client.get("/api/catalogue/tables/", params={"database": "SNDS"})).json()
    for table in tables.get("results", [])[:10]:
        urls.append(("table page", f"/catalogue/b/{table['database']}/{table['name']}/"))
    urls.append(("database page", "/catalogue/b/SNDS/"))
    return urls


async def _user(client, urls, stop_at, samples, errors, rng, think=(0.0, 0.0)) -> None:
    walk = itertools.cycle(rng.sample(urls, len(urls)))
    while time.monotonic() < stop_at:
        if think[1]:
            await asyncio.sleep(rng.uniform(*think))
        kind, url = next(walk)
        started = time.perf_counter()
        try:
            response = await client.get(url)
            status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        elapsed = time.perf_counter() - started
        samples.append((kind, elapsed))
        if not isinstance(status, int) or status >= 400:
            errors.append((kind, url, status))


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def _run(base: str, users: int, duration: float, think=(0.0, 0.0), warm=True) -> dict:
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        urls = await _urls(client)
        for _kind, url in urls if warm else ():  # warm-up: each worker imports and connects
            await asyncio.gather(*(client.get(url) for _ in range(4)))
        samples: list[tuple[str, float]] = []
        errors: list[tuple] = []
        started = time.monotonic()
        stop_at = started + duration
        await asyncio.gather(
            *(
                _user(client, urls, stop_at, samples, errors, random.Random(i), think)
                for i in range(users)
            )
        )
        wall = time.monotonic() - started
    return {"samples": samples, "errors": errors, "wall": wall, "urls": len(urls)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--seed", action="store_true", help="load the demo data first")
    parser.add_argument("--think", default="0,0", help="MIN,MAX seconds between requests")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))

    env = _env()
    _prepare(env, args.seed)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_gunicorn(env, port, args.workers)
    print(f"gunicorn pid {server.pid}, {args.workers} workers, {base}", flush=True)
    try:
        asyncio.run(_wait_until_up(base))
        result = asyncio.run(_run(base, args.users, args.duration, think))
        # the floor, same server, same run: capacity with every worker busy, then one user
        capacity = asyncio.run(_run(base, args.workers, args.duration / 2, warm=False))
        alone = asyncio.run(_run(base, 1, args.duration / 2, warm=False))
    finally:
        _stop(server)
        print(f"gunicorn stopped (exit {server.returncode})")

    times = [t for _kind, t in result["samples"]]
    print(
        f"\n{args.users} users, {result['wall']:.1f} s, {result['urls']} URLs, "
        f"{len(times)} requests ({len(times) / result['wall']:.0f}/s), load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"p50 {_percentile(times, 50) * 1000:.0f} ms   p95 {_percentile(times, 95) * 1000:.0f} ms   "
        f"p99 {_percentile(times, 99) * 1000:.0f} ms   max {max(times) * 1000:.0f} ms   "
        f"mean {statistics.fmean(times) * 1000:.0f} ms"
    )
    by_kind: dict[str, list[float]] = {}
    for kind, elapsed in result["samples"]:
        by_kind.setdefault(kind, []).append(elapsed)
    for kind, values in sorted(by_kind.items()):
        print(
            f"  {kind:<13} n={len(values):<6} p50 {_percentile(values, 50) * 1000:5.0f} ms   "
            f"p95 {_percentile(values, 95) * 1000:5.0f} ms"
        )
    print(f"errors: {len(result['errors'])}")
    for kind, url, status in result["errors"][:10]:
        print(f"  {kind} {url} → {status}")
    x_max = len(capacity["samples"]) / capacity["wall"]
    one = [t for _kind, t in alone["samples"]]
    mean_think = sum(think) / 2
    floor = max(statistics.fmean(one), args.users / x_max - mean_think)
    print(
        f"\nfloor: capacity {x_max:.0f} requests/s ({args.workers} users back to back), "
        f"one user alone p50 {_percentile(one, 50) * 1000:.0f} ms p95 "
        f"{_percentile(one, 95) * 1000:.0f} ms; {args.users} users thinking {mean_think:.1f} s "
        f"on average cannot wait less than {floor * 1000:.0f} ms on average "
        f"(Little's law: N / X - Z); measured mean {statistics.fmean(times) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
