"""Relevance rules that read context, and the classifier, measured on the shipped set."""

import json
from pathlib import Path

import pytest

from bibliometrics import classifier
from bibliometrics.enrichment import detect_components
from bibliometrics.relevance import assess

EVAL = Path(__file__).parent / "data" / "relevance_eval.jsonl"


def load_eval():
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def verdict(record):
    return assess(
        title=record["title"],
        abstract=record["abstract"],
        mesh_terms=record.get("mesh_terms", []),
        affiliations=record.get("affiliations", []),
    )


def test_the_evaluation_set_holds_french_claims_studies_homonyms_and_foreign_claims():
    records = load_eval()
    kinds = {r["kind"].split("_")[0] for r in records}
    assert {"fr", "dcir", "ssr", "egb761", "had", "korea", "us"} <= kinds
    assert sum(r["label"] for r in records) >= 40
    assert sum(not r["label"] for r in records) >= 50


def test_the_rules_reach_the_aimed_precision_and_recall_on_the_evaluation_set():
    records = load_eval()
    scores = classifier.precision_recall(
        [verdict(r).relevant for r in records], [r["label"] for r in records]
    )
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.9


def test_the_model_reaches_the_aimed_precision_and_recall_out_of_fold():
    records = load_eval()
    labels = [r["label"] for r in records]
    probabilities = classifier.cross_validated(records, labels)
    scores = classifier.precision_recall([p >= 0.5 for p in probabilities], labels)
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.9


@pytest.mark.parametrize(
    ("text", "affiliation", "sense"),
    [
        ("Dendritic cell immunoreceptor (DCIR) on monocytes", "Inserm U1223, Paris, France",
         "immunology"),
        ("Forty SSR markers genotyped wheat landraces", "INRAE, Montpellier, France", "genetics"),
        ("Ginkgo biloba extract EGb 761 in tinnitus, EGB group", "CHU de Lille, France",
         "pharmacology"),
        ("Anxiety measured with the HAD scale in ICU caregivers", "CHU de Nantes, France",
         "psychology"),
    ],
)  # fmt: skip
def test_a_homonym_is_read_in_its_other_sense_even_from_french_authors(text, affiliation, sense):
    result = assess(abstract=text, affiliations=[affiliation])
    assert not result.relevant
    assert [(r.code, r.detail) for r in result.reasons] == [("acronym_other_sense", sense)]


def test_an_acronym_counts_only_with_french_health_data_context():
    foreign = assess(
        abstract="Patients treated in HAD units for pneumonia had fewer readmissions.",
        affiliations=["Hospital Universitario de Cruces, Barakaldo, Spain"],
    )
    assert not foreign.relevant
    assert foreign.reasons[0].code == "acronym_no_context"
    french = assess(
        abstract="New users were identified in the DCIR between 2015 and 2019.",
        affiliations=["Hôpital Henri-Mondor, AP-HP, Créteil, France"],
    )
    assert french.relevant
    assert french.reasons[0].as_dict() == {
        "code": "acronym_context",
        "term": "DCIR",
        "detail": "french_affiliation",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Validation of algorithms in French medico-administrative databases",
        "Reimbursement data from the Assurance Maladie were used",
        "Using data provided by the ATIH we compared hospital stays",
    ],
)
def test_it_catches_the_french_names_of_the_data(text):
    assert assess(abstract=text).relevant


def test_quebecs_assurance_maladie_is_not_the_french_one():
    quebec = "Medico-administrative data of the Régie de l'assurance maladie du Québec were used"
    assert not assess(abstract=quebec, affiliations=["Université Laval, Québec, Canada"]).relevant
    assert assess(abstract="Data of the Caisse nationale de l'assurance maladie were used").relevant


def test_wheat_ssr_markers_do_not_name_the_pmsi_ssr():
    text = "Eighty-one simple sequence repeat (SSR) primer pairs were tested"
    result = assess(abstract=text)
    assert detect_components(text, accepted=result.accepted_acronyms) == []
    french = "Patients were followed in the PMSI SSR after stroke in France"
    result = assess(abstract=french)
    assert detect_components(french, accepted=result.accepted_acronyms) == ["PMSI_SSR"]


def test_the_model_explains_its_score_with_the_words_that_weigh():
    records = load_eval()
    model = classifier.train(records, [r["label"] for r in records])
    snds = next(r for r in records if r["kind"] == "fr_snds")
    why = model.explain(snds)
    assert why[0]["weight"] > 0
    assert {w["field"] for w in why} <= {"text", "mesh", "affiliations", "evidence"}
    assert model.probabilities([snds])[0] > 0.8


def test_too_few_decisions_train_no_model():
    records = load_eval()[:8]
    with pytest.raises(classifier.NotEnoughDecisions):
        classifier.train(records, [r["label"] for r in records])


def test_the_model_reads_mesh_headings_affiliation_countries_and_the_rules_context():
    record = {
        "title": "Hip fractures after benzodiazepines: a nationwide cohort",
        "abstract": "We used reimbursement data.",
        "mesh_terms": ["Hip Fractures", "Benzodiazepines"],
        "affiliations": ["Inserm U1219, Bordeaux, France", "KU Leuven, Leuven, Belgium"],
    }
    tokens = classifier.evidence(record)
    assert {"rules:not_relevant", "context:french_affiliation", "context:data_words"} <= set(tokens)
    assert {"country:France", "country:Belgium"} <= set(tokens)
    assert "context:france_text" not in tokens
    # a heading is one feature wherever it stands in the list
    assert classifier.headings("Hip Fractures ; Benzodiazepines") == [
        "hip fractures",
        "benzodiazepines",
    ]
    assert classifier.headings("Benzodiazepines;Hip Fractures")[1] == "hip fractures"
