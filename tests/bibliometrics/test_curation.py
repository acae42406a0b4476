"""The curation queue: the rules' and the model's verdicts with why, decisions in bulk."""

import json
from pathlib import Path

import pytest

from bibliometrics import services
from bibliometrics.enrichment import record_verdict
from bibliometrics.models import Publication, RelevanceModel
from portal.messages import message_text
from portal.models import AuditEntry
from tests.bibliometrics.factories import PublicationFactory

EVAL = Path(__file__).parent / "data" / "relevance_eval.jsonl"


def publication_from(record, **kwargs):
    verdict = record_verdict(
        {**record, "authors": [{"affiliations": record["affiliations"]}], "keywords": []}
    )
    return PublicationFactory(
        title=record["title"],
        abstract=record["abstract"],
        mesh_terms=record["mesh_terms"],
        relevance_auto=verdict.relevant,
        relevance_reasons=verdict.reasons_as_dicts(),
        relevant=verdict.relevant,
        **kwargs,
    )


@pytest.mark.django_db
def test_the_model_learns_from_decisions_and_scores_the_rest_with_its_reasons(cast):
    records = [json.loads(line) for line in EVAL.read_text().splitlines()]
    decided = records[::2]
    for r in decided:
        publication_from(r, relevance_override=r["label"])
    undecided = [publication_from(r) for r in records[1::2][:10]]
    model = services.relevance_model_train(by=cast.data)
    assert (model.positives, model.negatives) == (
        sum(r["label"] for r in decided),
        sum(not r["label"] for r in decided),
    )
    assert AuditEntry.objects.filter(action="publication.model_train", actor=cast.data).exists()
    scored = Publication.objects.get(pk=undecided[0].pk)
    assert scored.model_probability is not None
    assert scored.model_explanation and {"field", "term", "weight"} <= set(
        scored.model_explanation[0]
    )
    assert (
        Publication.objects.filter(
            relevance_override__isnull=False, model_probability__isnull=False
        ).count()
        == 0
    )


@pytest.mark.django_db
def test_a_model_needs_five_decisions_of_each_kind(cast):
    PublicationFactory(relevance_override=True)
    with pytest.raises(Exception) as refused:
        services.relevance_model_train(by=cast.data)
    assert "Pas assez de décisions" in message_text(str(refused.value))
    assert not RelevanceModel.objects.exists()


@pytest.mark.django_db
def test_the_queue_puts_the_least_certain_first_and_shows_both_verdicts(client, cast):
    sure = PublicationFactory(title="Sure", model_probability=0.98)
    unsure = PublicationFactory(
        title="Unsure",
        model_probability=0.52,
        model_explanation=[{"field": "text", "term": "claims", "weight": 0.4}],
        relevance_reasons=[{"code": "acronym_other_sense", "term": "DCIR", "detail": "immunology"}],
    )
    PublicationFactory(title="Decided", relevance_override=False)
    client.force_login(cast.data)
    page = client.get("/publications/curation/").content.decode()
    assert page.index("Unsure") < page.index("Sure")
    assert "Decided" not in page
    assert "« DCIR » pris dans un autre sens : immunologie" in page
    assert "52 %" in page and "claims" in page
    assert sure.pk and unsure.pk


@pytest.mark.django_db
def test_the_models_words_from_the_rules_read_as_sentences(client, cast):
    pub = PublicationFactory(
        title="Unsure",
        model_probability=0.6,
        model_explanation=[
            {"field": "evidence", "term": "context:french_affiliation", "weight": 0.5},
            {"field": "evidence", "term": "acronym_context:DCIR:France", "weight": 0.4},
            {"field": "evidence", "term": "acronym_other_sense:MCO:health_insurance_(US)",
             "weight": -0.3},
            {"field": "evidence", "term": "country:United_States", "weight": -0.2},
            {"field": "mesh", "term": "pregnancy", "weight": 0.1},
        ],
    )  # fmt: skip
    client.force_login(cast.data)
    for url in ("/publications/curation/", f"/publications/{pub.pk}/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "affiliation française" in page
        assert "« DCIR » avec un contexte français : la France ou les Français sont cités" in page
        assert "« MCO » pris dans un autre sens : assurance santé américaine" in page
        assert "affiliation : États-Unis" in page
        assert "context:" not in page and "country:" not in page


@pytest.mark.django_db
def test_a_curator_decides_in_bulk_and_each_decision_is_audited(client, cast):
    a, b, c = PublicationFactory(), PublicationFactory(), PublicationFactory()
    client.force_login(cast.data)
    response = client.post(
        "/publications/curation/",
        {"publications": [a.pk, b.pk], "decision": "no", "note": "DCIR immunologie"},
    )
    assert response.status_code == 302
    assert set(Publication.objects.filter(relevant=False).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    c.refresh_from_db()
    assert c.relevant and c.relevance_override is None
    assert AuditEntry.objects.filter(action="publication.relevance_bulk").count() == 2


@pytest.mark.django_db
def test_the_queue_is_for_curators_only(client, cast):
    client.force_login(cast.alice)
    assert client.get("/publications/curation/").status_code == 403
