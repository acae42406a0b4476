"""Every URL of the dossiers × anonymous and each role (see tests/access.py).

alice leads the dossier, bob is a member of its team, charlie is another project leader:
he gets 404 everywhere, as do the roles that do not see the dossier at its stage.
"""

from datetime import date

from tests.access import LOGIN, Case

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


def _url(path):
    return lambda o: path.format(ref=o["d"].reference, doc=o.get("doc") and o["doc"].pk)


def _api(path):
    return lambda o: "/api/dossiers/dossiers/" + path.format(ref=o["d"].reference)


STAFF_DASHBOARD = {
    "anonymous": LOGIN,
    "alice": 403,
    "bob": 403,
    "charlie": 403,
    "data": 403,
    "cesrees": 403,
}
API_ANON = {"anonymous": 403}

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
        _url("/dossiers/repertoire/{ref}/"),
        {},
        setup=_at("submitted"),
        name="access_requests:directory-detail",
    ),
    # a draft is in nobody's directory
    Case(
        _url("/dossiers/repertoire/{ref}/"),
        {},
        default=404,
        setup=_draft,
        name="access_requests:directory-detail",
    ),
    Case(_url("/dossiers/{ref}/"), SEES_DRAFT, setup=_draft, name="access_requests:detail"),
    # CESREES: only once assigned; projets: from the authorisation on
    Case(
        _url("/dossiers/{ref}/"),
        {**SEES_DRAFT, "cesrees": 200},
        setup=_at("cesrees_review"),
        name="access_requests:detail",
    ),
    Case(
        _url("/dossiers/{ref}/"),
        {**SEES_DRAFT, "cesrees": 200, "projets": 200},
        setup=_at("authorised"),
        name="access_requests:detail",
    ),
    Case(
        _url("/dossiers/{ref}/modifier/"),
        {**SEES_DRAFT, "guichet": 403},
        setup=_draft,
        name="access_requests:edit",
    ),
    Case(
        _url("/dossiers/{ref}/etapes/submit/"),
        {**SEES_DRAFT, "bob": 403, "guichet": 403},
        setup=_draft,
        name="access_requests:action",
    ),
    Case(
        _url("/dossiers/{ref}/etapes/start_check/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403},
        setup=_at("submitted"),
        name="access_requests:action",
    ),
    Case(
        _url("/dossiers/{ref}/etapes/file_opinion/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403, "guichet": 403, "cesrees": 200},
        setup=_at("cesrees_review"),
        name="access_requests:action",
    ),
    Case(
        _url("/dossiers/{ref}/etapes/sign_agreement/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403, "guichet": 403, "cesrees": 403, "projets": 200},
        setup=_at("authorised"),
        name="access_requests:action",
    ),
    Case(
        _url("/dossiers/{ref}/documents/ajouter/"),
        SEES_DRAFT,
        setup=_draft,
        name="access_requests:document-upload",
    ),
    Case(
        _url("/dossiers/{ref}/documents/{doc}/"),
        SEES_DRAFT,
        setup=_draft,
        name="access_requests:document-download",
    ),
    Case(
        _url("/dossiers/{ref}/messages/"), SEES_DRAFT, setup=_draft, name="access_requests:message"
    ),
    Case(
        _url("/dossiers/{ref}/equipe/"),
        {**SEES_DRAFT, "bob": 403, "guichet": 403},
        setup=_draft,
        name="access_requests:team-add",
    ),
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
    Case(
        _url("/dossiers/{ref}/donnees/"),
        {**SEES_DRAFT, "guichet": 403},
        setup=_draft,
        name="access_requests:data-add",
    ),
    Case(
        _url("/dossiers/{ref}/rapporteurs/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403},
        setup=_draft,
        name="access_requests:rapporteur-assign",
    ),
    Case(
        _url("/dossiers/{ref}/rapport/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403, "guichet": 403, "admin": 403, "cesrees": 200},
        setup=_at("cesrees_review"),
        name="access_requests:report",
    ),
    Case(
        _url("/dossiers/{ref}/cnil/prolonger/"),
        {**SEES_DRAFT, "alice": 403, "bob": 403},
        setup=_draft,
        name="access_requests:cnil-renew",
    ),
    Case(
        _url("/dossiers/{ref}/resultats/"),
        {**SEES_DRAFT, "bob": 403, "guichet": 403},
        setup=_draft,
        name="access_requests:results",
    ),
    Case(
        "/dossiers/a-traiter/",
        {**STAFF_DASHBOARD, "projets": 403},
        name="access_requests:queue",
    ),
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
    Case(
        _url("/dossiers/{ref}/expression-des-besoins.pdf"),
        SEES_DRAFT,
        setup=_draft,
        name="access_requests:needs",
    ),
    Case(
        _url("/dossiers/{ref}/expression-des-besoins.odt"),
        {**SEES_DRAFT, "cesrees": 200, "projets": 200},
        setup=_at("authorised"),
        name="access_requests:needs",
    ),
    # API: same selector; anonymous is refused, an invisible dossier answers 404
    Case("/api/dossiers/dossiers/", API_ANON, name="access_requests_api:dossier-list"),
    Case(
        _api("{ref}/"),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name="access_requests_api:dossier-detail",
    ),
    Case(
        _api("{ref}/history/"),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name="access_requests_api:dossier-history",
    ),
    Case(
        _api("{ref}/messages/"),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name="access_requests_api:dossier-messages",
    ),
    Case(
        _api("{ref}/documents/"),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name="access_requests_api:dossier-documents",
    ),
    Case(
        _api("{ref}/requested-data/"),
        {**SEES_DRAFT, **API_ANON},
        setup=_draft,
        name="access_requests_api:dossier-requested-data",
    ),
    # only leaders manage the team; an unknown user is refused (400) before anything else
    Case(
        _api("{ref}/team/"),
        {**SEES_DRAFT, **API_ANON, "alice": 400, "bob": 400, "guichet": 400, "admin": 400},
        setup=_draft,
        method="post",
        data={"user": "nobody", "role": "member"},
        name="access_requests_api:dossier-team",
    ),
    # a step the guichet may take but not from a draft (409); porteurs may not (403)
    Case(
        _api("{ref}/transition/"),
        {**SEES_DRAFT, **API_ANON, "alice": 403, "bob": 403, "guichet": 409, "admin": 409},
        setup=_draft,
        method="post",
        data={"transition": "start_check"},
        name="access_requests_api:dossier-transition",
    ),
    Case("/api/dossiers/repertoire/", {}, name="access_requests_api:directory-list"),
    Case(
        lambda o: f"/api/dossiers/repertoire/{o['d'].reference}/",
        {},
        setup=_at("submitted"),
        name="access_requests_api:directory-detail",
    ),
]
