"""The embedded default (SQLite) answers the code search from its trigram FTS5 index, with
the same hits as PostgreSQL's LIKE. Runs a real SQLite database in a child process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import json
from django.core.management import call_command
from django.db import connection
from catalogue.codelists.selectors import codes_search
call_command("load_referentials", "--demo", verbosity=0)
out = {"scan": {}}
queries = ("ibuprofène", "metformines", "diabete sucre", "E11", "douleur ab")
for q in queries:
    hits, facets = codes_search(q)
    out[q] = {"codes": [h.code for h in hits], "facets": facets}
connection.vendor = "scan"  # the LIKE path, as without the index
for q in queries:
    hits, facets = codes_search(q)
    out["scan"][q] = {"codes": [h.code for h in hits], "facets": facets}
connection.vendor = "sqlite"
with connection.cursor() as c:
    c.execute("EXPLAIN QUERY PLAN SELECT rowid FROM codelists_referentialcode_fts"
              " WHERE codelists_referentialcode_fts MATCH '\\"metformin\\"'")
    out["plan"] = " ".join(str(r[-1]) for r in c.fetchall())
print("RESULT" + json.dumps(out))
"""


def test_the_embedded_portal_searches_codes_through_its_index(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "HDH_VAR_DIR": str(tmp_path)}  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    run = subprocess.run([*manage, "shell", "-c", SCRIPT], cwd=ROOT, env=env, timeout=600,
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.split("RESULT", 1)[1])
    assert "VIRTUAL TABLE INDEX" in out["plan"]
    assert "M01AE01" in out["ibuprofène"]["codes"]  # the substance finds its ATC class
    assert "A10BA02" in out["metformines"]["codes"]  # plural, no accent
    assert out["diabete sucre"]["facets"].get("CIM10", 0) >= 1
    assert out["E11"]["codes"][0] == "E11"
    # the index finds exactly what the scan finds (a 2-letter word is matched by LIKE)
    assert all(out[q] == out["scan"][q] for q in out["scan"])
    assert out["douleur ab"]["codes"]
