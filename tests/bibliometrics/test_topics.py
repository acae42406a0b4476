"""Topics: TF-IDF + NMF with shipped French and English stop words."""

from bibliometrics.topics import fit_topics, stop_words


def test_stop_words_cover_both_languages_and_snds_boilerplate():
    words = stop_words()
    assert {"the", "and", "les", "des", "etude", "snds", "patients"} <= words


def test_it_separates_two_obvious_topics_with_fixed_seed():
    cancer = [f"breast cancer chemotherapy tumour survival women {i}" for i in range(10)]
    heart = [f"heart failure stroke anticoagulant atrial fibrillation {i}" for i in range(10)]
    docs = cancer + heart + ["", "the and les des"]
    model = fit_topics(docs, n_topics=2, random_state=0)
    assert len(model.topics) == 2
    cancer_topic = model.assignments[0][0]
    heart_topic = model.assignments[10][0]
    assert cancer_topic != heart_topic
    assert {a[0] for a in model.assignments[:10]} == {cancer_topic}
    assert {a[0] for a in model.assignments[10:20]} == {heart_topic}
    assert {"breast", "chemotherapy", "tumour"} & set(model.topics[cancer_topic].terms)
    assert not {"heart", "stroke"} & set(model.topics[cancer_topic].terms)
    # documents without usable words get no topic; stop words never label a topic
    assert model.assignments[20] == (None, 0.0)
    assert model.assignments[21] == (None, 0.0)
    assert not {"the", "les", "snds"} & set(model.topics[0].terms + model.topics[1].terms)
    assert fit_topics(docs, n_topics=2, random_state=0).assignments == model.assignments


def test_too_small_a_corpus_gives_no_topic():
    assert fit_topics(["only one document"]).topics == []


def test_topic_labels_are_written_in_each_language_of_the_site():
    from bibliometrics.topics import labels_by_language

    assert labels_by_language(["pregnancy", "valproate", "epilepsy", "drugs"]) == {
        "fr": "grossesse, valproate, épilepsie",
        "en": "pregnancy, valproate, epilepsy",
    }
    # French terms (accents stripped by the model) come back with their accents
    assert labels_by_language(["grossesse", "medicaments", "risque"]) == {
        "fr": "grossesse, médicaments, risque",
        "en": "pregnancy, drugs, risk",
    }
