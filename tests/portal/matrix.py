from tests.access import LOGIN, Case, url


def _job_of_data(cast):
    from portal.jobs import job_enqueue

    job = job_enqueue(kind="portal.diagnostics", title="Diagnostic", by=cast.data)
    return {"job": job}


def _token_of_alice(cast):
    from portal.tokens import api_token_issue

    token, _key = api_token_issue(user=cast.alice, name="script", by=cast.alice)
    return {"token": token}


_not_alice_404 = dict.fromkeys(
    ["bob", "charlie", "data", "guichet", "cesrees", "projets", "admin"], 404
)

_STAFF = ["data", "guichet", "projets", "admin"]

_job_url_answers = {"anonymous": LOGIN, "data": 200, "admin": 200}
_others_404 = dict.fromkeys(["alice", "bob", "charlie", "guichet", "cesrees", "projets"], 404)

MATRIX = [
    Case("/", {}, name="home"),
    Case("/pages/plan-du-site/", {}, name="page"),
    Case("/pages/accessibilite/", {}, name="page"),
    Case("/pages/mentions-legales/", {}, name="page"),
    Case("/pages/donnees-personnelles/", {}, name="page"),
    Case("/pages/cookies/", {}, name="page"),
    Case("/pages/parametres-affichage/", {}, name="page"),
    Case("/pages/inconnue/", {}, default=404, name="page"),
    Case("/etat/", {}, name="status"),
    Case("/comptes/login/", {}, name="login"),
    Case("/comptes/password_reset/", {}, name="password_reset"),
    Case("/comptes/password_change/", {"anonymous": LOGIN}, name="password_change"),
    Case("/jobs/", {"anonymous": LOGIN}, name="portal:job-list"),
    Case(
        url("/jobs/{job.pk}/"),
        {**_others_404, **_job_url_answers},
        name="portal:job-detail",
        setup=_job_of_data,
    ),
    Case(
        url("/jobs/{job.pk}/status/"),
        {**_others_404, **_job_url_answers},
        name="portal:job-status",
        setup=_job_of_data,
    ),
    Case("/admin/", {"anonymous": 302, "admin": 200}, default=302, name="admin:index"),
    Case("/api/", {}, name="api-root"),
    Case("/api/jobs/", {"anonymous": 403}, name="api-jobs-list"),
    Case(
        url("/api/jobs/{job.pk}/"),
        {**_others_404, "anonymous": 403, "data": 200, "admin": 200},
        name="api-jobs-detail",
        setup=_job_of_data,
    ),
    Case("/api/schema/", {}, name="api-schema"),
    Case("/api/docs/", {}, name="api-docs"),
    Case("/comptes/2fa/", {"anonymous": LOGIN}, name="portal:otp-setup"),
    # Test logins of staff have passed the second factor: the page sends them on; porteurs
    # without one are sent to the enrolment page.
    Case("/comptes/2fa/verifier/", {"anonymous": LOGIN}, default=302, name="portal:otp-verify"),
    Case(
        "/comptes/2fa/codes/",
        {**dict.fromkeys(_STAFF, 200), "anonymous": LOGIN},
        default=302,
        name="portal:otp-recovery-codes",
        method="post",
    ),
    Case(
        "/comptes/2fa/desactiver/",
        {**dict.fromkeys(_STAFF, 403), "anonymous": LOGIN},
        default=302,
        name="portal:otp-disable",
        method="post",
    ),
    Case("/comptes/jetons/", {"anonymous": LOGIN}, name="portal:token-list"),
    Case(
        url("/comptes/jetons/{token.pk}/revoquer/"),
        {**_not_alice_404, "anonymous": LOGIN, "alice": 302},
        name="portal:token-revoke",
        method="post",
        setup=_token_of_alice,
    ),
    Case("/api/auth/tokens/", {"anonymous": 403}, name="api-tokens-list"),
    Case(
        url("/api/auth/tokens/{token.pk}/"),
        {**_not_alice_404, "anonymous": 403, "alice": 200},
        name="api-tokens-detail",
        setup=_token_of_alice,
    ),
]
