"""The privacy scan (issue 20): seed data built to tempt subtraction, crawl every public
page and API endpoint as an anonymous visitor, and fail on any count of people below 10
shown, or derivable from the figures of the same page or response.

The seed is the issue's repro: a 200-row IR_BEN_R profiled and published (4 deceased:
the death date is missing for 196; 3 rows without a sex: 197 checked; 185 men, 12 women),
and an OMOP output registered in the catalogue with ``person 200`` and
``observation_period 199`` (one person without events).

What the scan reads as counts of people: in JSON, every value under a key named
``count`` or ending in ``_count``; in HTML, every figure the pages render through the
``count`` filter (``<span data-count>``). What it derives: every subtraction the seed's
meaning allows (the attacker knows which figures are totals of which), and on every
profile found in a response, the adversary of ``tests/adversary.py``.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html import unescape
from pathlib import Path

import pytest

from catalogue.models import Database, Nomenclature, NomenclatureValue, Table, Variable
from catalogue.quality.services import data_file_attach, profiling_run_inline
from omop import services as omop_services
from tests.adversary import attack_profile
from tests.omop.job_factories import REPORT, finished

pytestmark = pytest.mark.django_db

THRESHOLD = 10
#: What the seed's figures mean: (total, parts), in raw values. A page showing the total
#: and all the parts but one gives that part away.
RELATIONS = [
    (200, [196, 4]),  # rows = death date missing + deceased
    (200, [197, 3]),  # rows = sex present + sex missing
    (200, [185, 12, 3]),  # rows = men + women + unknown sex
    (197, [185, 12]),  # sex present = value 1 + other values
    (200, [199, 1]),  # persons = observation periods + persons without events
]
#: OMOP tables whose rows are a subset of another's (the CDM says so)
OMOP_SUBSETS = {"observation_period": "person", "death": "person"}
START = [
    "/",
    "/catalogue/",
    "/catalogue/qualite/",
    "/publications/",
    "/dossiers/repertoire/",
    "/api/",
    "/api/catalogue/tables/",
    "/api/catalogue/databases/",
    "/api/catalogue/quality/runs/",
    "/api/catalogue/quality/tables/",
    "/api/catalogue/quality/databases/",
]
#: ``*_count`` keys of the API that count metadata, not people
NOT_PEOPLE = {"table_count", "variable_count", "value_count", "nomenclature_count"}
SKIP = (
    "/healthz",
    "/admin",
    "/static/",
    "/media/",
    "/accounts/",
    "/api/schema",
    "/api/docs",
    "/i18n/",
)
MAX_URLS = 400
MAX_QUERY_URLS = 40


def ir_ben_r_200() -> str:
    lines = ["BEN_NIR_PSA;BEN_SEX_COD;BEN_NAI_ANN;BEN_DCD_DTE"]
    for i in range(200):
        sex = "" if i < 3 else ("2" if i < 15 else "1")
        death = f"2021-0{1 + i % 4}-1{i % 9}" if i % 50 == 7 else ""
        lines.append(f"{i:017d};{sex};{1935 + (i * 7) % 70};{death}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def seeded(cast, settings):
    database = Database.objects.create(acronym="SNDS", name="Système national des données")
    table = Table.objects.create(
        database=database, name="IR_BEN_R", title="Bénéficiaires", primary_key=["BEN_NIR_PSA"]
    )
    sex = Nomenclature.objects.create(name="IR_SEX_V", code_field="SEX_COD")
    for i, code in enumerate(("1", "2", "9")):
        NomenclatureValue.objects.create(nomenclature=sex, position=i, code=code, label=code)
    for position, (name, vtype, nomenclature) in enumerate(
        [
            ("BEN_NIR_PSA", "string", None),
            ("BEN_SEX_COD", "integer", sex),
            ("BEN_NAI_ANN", "year", None),
            ("BEN_DCD_DTE", "date", None),
        ]
    ):
        Variable.objects.create(
            table=table, position=position, name=name, type=vtype, nomenclature=nomenclature
        )
    path = Path(settings.DATA_ROOT) / "IR_BEN_R.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ir_ben_r_200(), encoding="utf-8")
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error
    rows = {"person": 200, "observation_period": 199, "death": 30}
    etl_job = finished(
        extract_label="tentation",
        report={
            **REPORT,
            "tables": list(rows),
            "rows_written": [{"table": t, "row_count": n} for t, n in rows.items()],
        },
    )
    omop_services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)
    return run


# --------------------------------------------------------------------------- reading


def _number(text: str) -> int | None:
    text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
    return int(text) if text.isdigit() else None


def counts_in_json(data, found: list[int]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NOT_PEOPLE or (key == "count" and "results" in data):
                continue  # metadata, or the size of a page of results
            if (key == "count" or str(key).endswith("_count")) and _exact(value):
                found.append(value)
            counts_in_json(value, found)
    elif isinstance(data, list):
        for item in data:
            counts_in_json(item, found)


def counts_in_html(html: str) -> list[int]:
    spans = re.findall(r"<span data-count>(.*?)</span>", html, flags=re.S)
    return [n for n in (_number(unescape(s)) for s in spans) if n is not None]


def _exact(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def derivations(numbers: list[int]) -> list[str]:
    """The seed's small counts that these published figures give away."""
    shown, found = set(numbers), []
    for total, parts in RELATIONS:
        if total not in shown:
            continue
        for i, part in enumerate(parts):
            others = parts[:i] + parts[i + 1 :]
            if 0 < part < THRESHOLD and all(p in shown for p in others):
                found.append(f"{total} − {' − '.join(map(str, others))} = {part}")
    return found


def profiles_in(data) -> list[tuple[dict, list[dict] | None]]:
    """Published profiles in a response: a run's profile, a variable's latest result."""
    found = []
    if isinstance(data, dict):
        if "variables" in data and "rows_count" in data and isinstance(data["variables"], list):
            found.append((data, None))
        latest = data.get("latest")
        if isinstance(latest, dict) and "conformance" in latest:
            found.append(({"rows_count": latest.get("rows_count")}, [latest]))
        for value in data.values():
            found += profiles_in(value)
    elif isinstance(data, list):
        for item in data:
            found += profiles_in(item)
    return found


def omop_subsets(data) -> list[str]:
    """Row counts of OMOP tables in one response whose difference is small."""
    rows: dict[str, int] = {}

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and _exact(node.get("row_count")):
                rows[node["name"]] = node["row_count"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return [
        f"{whole} {rows[whole]} − {part} {rows[part]}"
        for part, whole in OMOP_SUBSETS.items()
        if part in rows and whole in rows and 0 < rows[whole] - rows[part] < THRESHOLD
    ]


def links(url: str, body: str, is_json: bool) -> list[str]:
    if is_json:
        found = re.findall(r'"(?:http://testserver)?(/api/[^"?#]*(?:\?[^"#]*)?)"', body)
        data = json.loads(body)
        items = data.get("results") if isinstance(data, dict) else data
        if "?" not in url and isinstance(items, list):  # a list: visit each item too
            for item in items[:20]:
                if isinstance(item, dict):
                    key = item.get("acronym") or item.get("id")
                    if key is not None:
                        found.append(f"{url}{key}/")
    else:
        found = re.findall(r'href="(/[^"#]*)"', body)
    return [unescape(u) for u in found]


# --------------------------------------------------------------------------- the scan


def scan(client) -> tuple[list[str], int]:
    problems, queue, seen, with_query = [], deque(START), set(), 0
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP) or "logout" in url:
            continue
        if "?" in url:
            if with_query >= MAX_QUERY_URLS:
                continue
            with_query += 1
        seen.add(url)
        response = client.get(
            url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html"
        )
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if response.status_code != 200 or response.get("Content-Disposition"):
            continue
        kind = response.get("Content-Type", "")
        body = response.content.decode("utf-8", "replace")
        if "json" in kind:
            data = json.loads(body)
            numbers: list[int] = []
            counts_in_json(data, numbers)
            for profile, variables in profiles_in(data):
                problems += [f"{url}: {d}" for d in attack_profile(profile, variables, THRESHOLD)]
            problems += [f"{url}: {d}" for d in omop_subsets(data)]
        elif "html" in kind:
            numbers = counts_in_html(body)
        else:
            continue
        problems += [f"{url}: {n} shown" for n in numbers if 0 < n < THRESHOLD]
        problems += [f"{url}: {d}" for d in derivations(numbers)]
        for link in links(url, body, "json" in kind):
            if link not in seen:
                queue.append(link)
    return problems, len(seen)


def test_no_public_page_or_endpoint_gives_a_small_count_of_people_away(client, seeded):
    problems, visited = scan(client)

    assert visited > 30  # the crawl reached the catalogue, the quality pages and the API
    assert problems == []


def test_the_scan_sees_the_quality_figures_it_checks(client, seeded):
    """The scan is not blind: the pages it reads render the profile's counts."""
    table = seeded.table
    html = client.get(f"/catalogue/qualite/b/{table.database.acronym}/{table.name}/").content
    shown = counts_in_html(html.decode())

    assert 200 in shown or "n.d." in html.decode()
    assert len(shown) > 3
    api = client.get(f"/api/catalogue/quality/runs/{seeded.pk}/").json()
    assert profiles_in(api)


def test_the_scan_catches_what_the_portal_used_to_publish():
    """On the figures of issue 20 the checks fire."""
    assert derivations([200, 196, 185]) == ["200 − 196 = 4"]
    assert omop_subsets(
        {
            "results": [
                {"name": "person", "row_count": 200},
                {"name": "observation_period", "row_count": 199},
            ]
        }
    )
    numbers: list[int] = []
    counts_in_json({"a": {"missing_count": 3}}, numbers)
    assert [n for n in numbers if 0 < n < THRESHOLD] == [3]
