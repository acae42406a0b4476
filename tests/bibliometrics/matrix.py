"""Every URL of the bibliometrics app × each actor."""

from bibliometrics.models import PublicationMerge, SavedQuery
from tests.access import Case, staff_only, url
from tests.bibliometrics.factories import (
    AffiliationFactory,
    ImportRunFactory,
    PublicationFactory,
    TopicFactory,
)


def _publication(cast):
    return {"pub": PublicationFactory(relevant=True)}


def _hidden_publication(cast):
    return {"pub": PublicationFactory(relevant=False)}


def _topic(cast):
    return {"topic": TopicFactory()}


def _import(cast):
    return {"run": ImportRunFactory(created_by=cast.data)}


def _merge(cast):
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
    return {"aff": AffiliationFactory()}


def _query(cast):
    return {"query": SavedQuery.objects.create(name="m", source="hal", query="PMSI")}


CURATORS = ["data"]
# set aside by curation: only curators see it
HIDDEN = {"data": 200, "admin": 200}

MATRIX = [
    Case("/publications/", {}, name="bibliometrics:dashboard"),
    Case("/publications/?year_min=2019&actor_type=hospital", {}),
    Case("/publications/indicateurs/", {}, name="bibliometrics:indicators"),
    Case("/publications/graphiques/production.csv", {}, name="bibliometrics:chart-csv"),
    Case("/publications/graphiques/unknown.csv", {}, default=404),
    Case("/publications/liste/", {}, name="bibliometrics:publication-list"),
    Case(
        url("/publications/{pub.pk}/"),
        {},
        name="bibliometrics:publication-detail",
        setup=_publication,
    ),
    Case(url("/publications/{pub.pk}/"), HIDDEN, default=404, setup=_hidden_publication),
    Case(
        url("/publications/{pub.pk}/pertinence/"),
        staff_only(CURATORS, ok=302),
        name="bibliometrics:publication-relevance",
        method="post",
        data={"decision": "no", "note": "matrix"},
        setup=_publication,
    ),
]

# The curators' pages: (path, URL name, setup); a POST acts and sends the curator on (302).
# An undone merge sends the curator back to the publication with a message.
CURATOR_PAGES = [
    ("/publications/imports/", "import-upload", None),
    ("/publications/imports/{run.pk}/", "import-detail", _import),
    ("/publications/curation/", "curation-queue", None),
    ("/publications/affiliations/{aff.pk}/", "affiliation-correct", _affiliation),
    ("/publications/requetes/", "query-list", None),
    ("/publications/requetes/{query.pk}/", "query-detail", _query),
]
CURATOR_POSTS = [
    ("/publications/themes/recalculer/", "topics-recompute", None),
    ("/publications/citations/rafraichir/", "citations-refresh", None),
    ("/publications/curation/modele/", "model-train", None),
    ("/publications/rapprochements/{merge.pk}/separer/", "merge-undo", _merge),
    ("/publications/requetes/{query.pk}/rafraichir/", "query-refresh", _query),
    ("/publications/requetes/{query.pk}/confirmer/", "query-confirm", _query),
]
MATRIX += [
    Case(url(path), staff_only(CURATORS), name=f"bibliometrics:{name}", setup=setup)
    for path, name, setup in CURATOR_PAGES
]
MATRIX += [
    Case(
        url(path),
        staff_only(CURATORS, ok=302),
        name=f"bibliometrics:{name}",
        method="post",
        setup=setup,
    )
    for path, name, setup in CURATOR_POSTS
]

# The API: public, but for the publications set aside
MATRIX += [
    Case("/api/publications/", {}),
    Case("/api/publications/publications/", {}, name="publications-publication-list"),
    Case("/api/publications/publications/?component=DCIR&year_min=2019", {}),
    Case("/api/publications/components/", {}, name="publications-component-list"),
    Case("/api/publications/components/DCIR/", {}, name="publications-component-detail"),
    Case("/api/publications/areas/", {}, name="publications-area-list"),
    Case("/api/publications/areas/oncology/", {}, name="publications-area-detail"),
    Case("/api/publications/topics/", {}, name="publications-topic-list"),
    Case(
        url("/api/publications/topics/{topic.pk}/"),
        {},
        name="publications-topic-detail",
        setup=_topic,
    ),
    Case("/api/publications/indicators/", {}, name="publications-indicators"),
    Case(
        url("/api/publications/publications/{pub.pk}/"),
        {},
        name="publications-publication-detail",
        setup=_publication,
    ),
    Case(
        url("/api/publications/publications/{pub.pk}/"),
        HIDDEN,
        default=404,
        setup=_hidden_publication,
    ),
]
