"""schemathesis against the live test server, as a stranger, a porteur and a staff member.

Bounded (examples per operation and seconds per identity); the build fails on any 5xx and
on any response that breaks the OpenAPI schema the portal publishes at /api/schema/.
Budget: SCHEMATHESIS_MAX_EXAMPLES (default 5) and SCHEMATHESIS_MAX_TIME seconds per
identity (default 60).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.tokens import api_token_issue
from tests.access_requests.factories import alice_dossier

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture
def live_data(live_server, cast, settings):
    # Rate limits have their own tests; here they would only hide what lies behind them.
    settings.RATELIMIT_ENABLE = False
    dossier = alice_dossier(cast, "submitted")
    return {
        "anonymous": None,
        "alice": api_token_issue(user=cast.alice, name="fuzz", by=cast.alice)[1],
        "data": api_token_issue(user=cast.data, name="fuzz", by=cast.data)[1],
        "guichet": api_token_issue(user=cast.guichet, name="fuzz", by=cast.guichet)[1],
        "dossier": dossier,
    }


@pytest.mark.parametrize("actor", ["anonymous", "alice", "data"])
def test_the_api_never_answers_5xx_nor_breaks_its_schema(live_server, live_data, actor):
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"),
        "--max-time",
        os.environ.get("SCHEMATHESIS_MAX_TIME", "60"),
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "1",
        "--seed",
        "20",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        # Revoking its own token would leave the rest of the run anonymous.
        "--exclude-path-regex",
        r"^/api/auth/tokens/\{id\}/$",
    ]
    if live_data[actor]:
        command += ["--header", f"Authorization: Token {live_data[actor]}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    failures = run.stdout.split("FAILURES", 1)[-1] if "FAILURES" in run.stdout else run.stdout
    report = failures[:30000] + run.stderr[-2000:]
    assert run.returncode == 0, report


def test_a_team_member_without_a_role_is_refused_with_a_400(client, cast):
    dossier = alice_dossier(cast, "draft")
    client.force_login(cast.alice)
    response = client.post(f"/api/dossiers/dossiers/{dossier.reference}/team/", {"user": "charlie"})
    assert response.status_code == 400 and "role" in response.json()


def test_a_dossiers_history_is_the_plain_list_its_schema_describes(client, cast):
    dossier = alice_dossier(cast, "submitted")
    client.force_login(cast.alice)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    answer = schema["paths"]["/api/dossiers/dossiers/{reference}/history/"]["get"]["responses"]
    assert answer["200"]["content"]["application/json"]["schema"]["type"] == "array"
    body = client.get(f"/api/dossiers/dossiers/{dossier.reference}/history/").json()
    assert isinstance(body, list) and body
