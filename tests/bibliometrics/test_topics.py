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
