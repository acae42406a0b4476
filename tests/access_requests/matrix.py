"""Every URL of the dossiers × anonymous and each role (see tests/access.py).

alice leads the dossier, bob is a member of its team, charlie is another project leader:
he gets 404 everywhere, as do the roles that do not see the dossier at its stage.
"""

from datetime import date

from tests.access import LOGIN, Case, url

YEAR = date.today().year

HIDDEN = {"charlie": 404, "data": 404, "cesrees": 404, "projets": 404}
SEES_DRAFT = {"anonymous": LOGIN, **HIDDEN, "alice": 200, "bob": 200, "guichet": 200, "admin": 200}


def _draft(cast):
    from access_requests.services import document_add
    from tests.access_requests.factories import alice_dossier, pdf_upload

    dossier = alice_dossier(cast)
    doc = document_add(dossier=dossier, by=cast.alice, kind="cv", upload=pdf_upload("cv.pdf"))
    return {"d": dossier, "doc": doc}


def _at(status):
    def setup(cast):
        from tests.access_requests.factories import alice_dossier

        return {"d": alice_dossier(cast, status)}

    return setup


STAFF_DASHBOARD = {
    "anonymous": LOGIN,
    "alice": 403,
    "bob": 403,
    "charlie": 403,
    "data": 403,
    "cesrees": 403,
}
API_ANON = {"anonymous": 403}

DOSSIER = "/dossiers/{d.reference}/"
API = "/api/dossiers/dossiers/{d.reference}/"

MATRIX = [
    Case("/dossiers/", {"anonymous": LOGIN}, name="access_requests:list"),
    Case(
        "/dossiers/nouveau/",
        {"anonymous": LOGIN, "data": 403, "guichet": 403, "cesrees": 403, "projets": 403},
        name="access_requests:create",
    ),
    Case("/dossiers/export.csv", {"anonymous": LOGIN}, name="access_requests:export"),
    Case("/dossiers/tableau-de-bord/", STAFF_DASHBOARD, name="access_requests:dashboard"),
    Case("/dossiers/repertoire/", {}, name="access_requests:directory"),
    Case("/dossiers/repertoire/export.csv", {}, name="access_requests:directory-export"),
    Case("/dossiers/repertoire/export.json", {}, name="access_requests:directory-export"),
    Case(
        url("/dossiers/repertoire/{d.reference}/"),
        {},
        setup=_at("submitted"),
        name="access_requests:directory-detail",
    ),
    # a draft is in nobody's directory
    Case(
        url("/dossiers/repertoire/{d.reference}/"),
        {},
        default=404,
        setup=_draft,
        name="access_requests:directory-detail",
    ),
]

# The pages of alice's dossier: (path below DOSSIER, setup, answers other than SEES_DRAFT's,
# URL name).
DOSSIER_PAGES = [
    ("", _draft, {}, "detail"),
    # CESREES: only once assigned; projets: from the authorisation on
    ("", _at("cesrees_review"), {"cesrees": 200}, "detail"),
    ("", _at("authorised"), {"cesrees": 200, "projets": 200}, "detail"),
    ("modifier/", _draft, {"guichet": 403}, "edit"),
    ("etapes/submit/", _draft, {"bob": 403, "guichet": 403}, "action"),
    ("etapes/start_check/", _at("submitted"), {"alice": 403, "bob": 403}, "action"),
    (
        "etapes/file_opinion/",
        _at("cesrees_review"),
        {"alice": 403, "bob": 403, "guichet": 403, "cesrees": 200},
        "action",
    ),
    (
        "etapes/sign_agreement/",
        _at("authorised"),
        {"alice": 403, "bob": 403, "guichet": 403, "cesrees": 403, "projets": 200},
        "action",
    ),
    ("documents/ajouter/", _draft, {}, "document-upload"),
    ("documents/{doc.pk}/", _draft, {}, "document-download"),
    ("messages/", _draft, {}, "message"),
    ("equipe/", _draft, {"bob": 403, "guichet": 403}, "team-add"),
    ("donnees/", _draft, {"guichet": 403}, "data-add"),
    ("rapporteurs/", _draft, {"alice": 403, "bob": 403}, "rapporteur-assign"),
    (
        "rapport/",
        _at("cesrees_review"),
        {"alice": 403, "bob": 403, "guichet": 403, "admin": 403, "cesrees": 200},
        "report",
    ),
    ("cnil/prolonger/", _draft, {"alice": 403, "bob": 403}, "cnil-renew"),
    ("resultats/", _draft, {"bob": 403, "guichet": 403}, "results"),
    ("expression-des-besoins.pdf", _draft, {}, "needs"),
    ("expression-des-besoins.odt", _at("authorised"), {"cesrees": 200, "projets": 200}, "needs"),
]
MATRIX += [
    Case(
        url(DOSSIER + path), {**SEES_DRAFT, **answers}, setup=setup, name=f"access_requests:{name}"
    )
    for path, setup, answers, name in DOSSIER_PAGES
]

MATRIX += [
    Case(
        lambda o: f"/dossiers/{o['d'].reference}/equipe/{o['d'].team.get().pk}/retirer/",
        {**SEES_DRAFT, "bob": 403, "guichet": 403},  # a GET asks for confirmation
        setup=_draft,
        name="access_requests:team-remove",
    ),
    Case(
        lambda o: f"/dossiers/{o['d'].reference}/donnees/{o['d'].requested_data.get().pk}/retirer/",
        {**SEES_DRAFT, "guichet": 403},
        setup=_draft,
        name="access_requests:data-remove",
    ),
    Case("/dossiers/a-traiter/", {**STAFF_DASHBOARD, "projets": 403}, name="access_requests:queue"),
    # save as you go: POST only; a new draft needs the porteur role, an existing one the
    # edit rule (someone else's draft answers 404)
    Case(
        "/dossiers/enregistrer/", {"anonymous": LOGIN}, default=405, name="access_requests:autosave"
    ),
    Case(
        "/dossiers/enregistrer/",
        {"anonymous": LOGIN, "data": 403, "guichet": 403, "cesrees": 403, "projets": 403},
        method="post",
        data={"title": ""},
        name="access_requests:autosave",
    ),
    Case(
        "/dossiers/enregistrer/",
        {**SEES_DRAFT, "guichet": 403},
        setup=_draft,
        method="post",
        # the setup's draft is the test database's first dossier of the year
        data={"title": "Parcours de soins après AVC", "autosave_reference": f"HDH-{YEAR}-0001"},
        name="access_requests:autosave",
    ),
    # API: same selector; anonymous is refused, an invisible dossier answers 404
    Case("/api/dossiers/dossiers/", API_ANON, name="access_requests_api:dossier-list"),
]
MATRIX += [
    Case(
        url(API + path),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name=f"access_requests_api:dossier-{name}",
    )
    for path, name in [
        ("", "detail"),
        ("history/", "history"),
        ("messages/", "messages"),
        ("documents/", "documents"),
        ("requested-data/", "requested-data"),
    ]
]
MATRIX += [
    # only leaders manage the team; an unknown user is refused (400) before anything else
    Case(
        url(API + "team/"),
        {**SEES_DRAFT, **API_ANON, "alice": 400, "bob": 400, "guichet": 400, "admin": 400},
        setup=_draft,
        method="post",
        data={"user": "nobody", "role": "member"},
        name="access_requests_api:dossier-team",
    ),
    # a step the guichet may take but not from a draft (409); porteurs may not (403)
    Case(
        url(API + "transition/"),
        {**SEES_DRAFT, **API_ANON, "alice": 403, "bob": 403, "guichet": 409, "admin": 409},
        setup=_draft,
        method="post",
        data={"transition": "start_check"},
        name="access_requests_api:dossier-transition",
    ),
    Case("/api/dossiers/repertoire/", {}, name="access_requests_api:directory-list"),
    Case(
        url("/api/dossiers/repertoire/{d.reference}/"),
        {},
        setup=_at("submitted"),
        name="access_requests_api:directory-detail",
    ),
]
