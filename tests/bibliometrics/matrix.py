"""Every URL of the bibliometrics app × each actor."""

from tests.access import Case, staff_only


def _publication(cast):
    from tests.bibliometrics.factories import PublicationFactory

    return {"pub": PublicationFactory(relevant=True)}


def _hidden_publication(cast):
    from tests.bibliometrics.factories import PublicationFactory

    return {"pub": PublicationFactory(relevant=False)}


def _topic(cast):
    from tests.bibliometrics.factories import TopicFactory

    return {"topic": TopicFactory()}


def _import(cast):
    from tests.bibliometrics.factories import ImportRunFactory

    return {"run": ImportRunFactory(created_by=cast.data)}


def _merge(cast):
    from bibliometrics.models import PublicationMerge
    from tests.bibliometrics.factories import PublicationFactory

    merge = PublicationMerge.objects.create(
        publication=PublicationFactory(),
        key="doi",
        value="10.5555/x",
        source="ris",
        record={},
        record_hash="0" * 40,
        undone_at="2026-01-01T00:00:00Z",
    )
    return {"merge": merge}


def _affiliation(cast):
    from tests.bibliometrics.factories import AffiliationFactory

    return {"aff": AffiliationFactory()}


def _query(cast):
    from bibliometrics.models import SavedQuery

    return {"query": SavedQuery.objects.create(name="m", source="hal", query="PMSI")}


CURATORS = ["data"]

MATRIX = [
    Case("/publications/", {}, name="bibliometrics:dashboard"),
    Case("/publications/?year_min=2019&actor_type=hospital", {}),
    Case("/publications/indicateurs/", {}, name="bibliometrics:indicators"),
    Case("/publications/graphiques/production.csv", {}, name="bibliometrics:chart-csv"),
    Case("/publications/graphiques/unknown.csv", {}, default=404),
    Case("/publications/liste/", {}, name="bibliometrics:publication-list"),
    Case(
        lambda o: f"/publications/{o['pub'].pk}/",
        {},
        name="bibliometrics:publication-detail",
        setup=_publication,
    ),
    # set aside by curation: only curators see it
    Case(
        lambda o: f"/publications/{o['pub'].pk}/",
        {"data": 200, "admin": 200},
        default=404,
        setup=_hidden_publication,
    ),
    Case(
        lambda o: f"/publications/{o['pub'].pk}/pertinence/",
        {**staff_only(CURATORS, ok=302)},
        name="bibliometrics:publication-relevance",
        method="post",
        data={"decision": "no", "note": "matrix"},
        setup=_publication,
    ),
    Case("/publications/imports/", staff_only(CURATORS), name="bibliometrics:import-upload"),
    Case(
        lambda o: f"/publications/imports/{o['run'].pk}/",
        staff_only(CURATORS),
        name="bibliometrics:import-detail",
        setup=_import,
    ),
    Case(
        "/publications/themes/recalculer/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:topics-recompute",
        method="post",
    ),
    Case(
        "/publications/citations/rafraichir/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:citations-refresh",
        method="post",
    ),
    Case("/publications/curation/", staff_only(CURATORS), name="bibliometrics:curation-queue"),
    Case(
        "/publications/curation/modele/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:model-train",
        method="post",
    ),
    # an undone merge: the curator is sent back to the publication with a message
    Case(
        lambda o: f"/publications/rapprochements/{o['merge'].pk}/separer/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:merge-undo",
        method="post",
        setup=_merge,
    ),
    Case(
        lambda o: f"/publications/affiliations/{o['aff'].pk}/",
        staff_only(CURATORS),
        name="bibliometrics:affiliation-correct",
        setup=_affiliation,
    ),
    Case("/publications/requetes/", staff_only(CURATORS), name="bibliometrics:query-list"),
    Case(
        lambda o: f"/publications/requetes/{o['query'].pk}/",
        staff_only(CURATORS),
        name="bibliometrics:query-detail",
        setup=_query,
    ),
    Case(
        lambda o: f"/publications/requetes/{o['query'].pk}/rafraichir/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:query-refresh",
        method="post",
        setup=_query,
    ),
    Case(
        lambda o: f"/publications/requetes/{o['query'].pk}/confirmer/",
        staff_only(CURATORS, ok=302),
        name="bibliometrics:query-confirm",
        method="post",
        setup=_query,
    ),
    Case("/api/publications/", {}),
    Case("/api/publications/publications/", {}, name="publications-publication-list"),
    Case("/api/publications/publications/?component=DCIR&year_min=2019", {}),
    Case("/api/publications/components/", {}, name="publications-component-list"),
    Case("/api/publications/components/DCIR/", {}, name="publications-component-detail"),
    Case("/api/publications/areas/", {}, name="publications-area-list"),
    Case("/api/publications/areas/oncology/", {}, name="publications-area-detail"),
    Case("/api/publications/topics/", {}, name="publications-topic-list"),
    Case(
        lambda o: f"/api/publications/topics/{o['topic'].pk}/",
        {},
        name="publications-topic-detail",
        setup=_topic,
    ),
    Case("/api/publications/indicators/", {}, name="publications-indicators"),
    Case(
        lambda o: f"/api/publications/publications/{o['pub'].pk}/",
        {},
        name="publications-publication-detail",
        setup=_publication,
    ),
    Case(
        lambda o: f"/api/publications/publications/{o['pub'].pk}/",
        {"data": 200, "admin": 200},
        default=404,
        setup=_hidden_publication,
    ),
]
