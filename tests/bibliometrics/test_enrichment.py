"""Relevance, components, actor types, places and therapeutic areas from plain text."""

import pytest

from bibliometrics.enrichment import (
    classify_affiliation,
    describe_affiliation,
    detect_areas,
    detect_city,
    detect_components,
    detect_country,
    detect_relevance,
    enrich,
)


@pytest.mark.parametrize(
    "text",
    [
        "A cohort from the SNDS",
        "Data from the SNIIRAM were linked",
        "French hospital discharge database (PMSI)",
        "We used the Echantillon Généraliste de Bénéficiaires",
        "Causes of death from the CépiDc",
        "the French national health data system",
        "from the French nationwide claims database",
        "French National Health Insurance claims data",
    ],
)
def test_it_recognises_snds_use(text):
    relevant, terms = detect_relevance(text)
    assert relevant, text
    assert terms


@pytest.mark.parametrize(
    "text",
    [
        "Ginkgo biloba extract EGb 761 improves memory",
        "EGb761 and EGB 761® in tinnitus",
        "Ginkgo biloba (EGB) in dementia",
        "A US claims database study of statins",
        "The patient had a stroke",
    ],
)
def test_it_ignores_known_false_positives(text):
    assert detect_relevance(text) == (False, [])


def test_components_are_named_and_generic_pmsi_only_when_no_field_is():
    assert detect_components("DCIR and PMSI MCO") == ["DCIR", "PMSI_MCO"]
    assert detect_components("hospital data from the PMSI") == ["PMSI"]
    assert detect_components("PMSI SSR, HAD and RIM-P") == ["PMSI_SSR", "PMSI_HAD", "PMSI_RIMP"]
    assert detect_components("Patients had a stroke") == []
    assert detect_components("the EGB sample, not EGb 761") == ["EGB"]
    assert detect_components("cartographie des pathologies de l'Assurance maladie") == [
        "CARTOGRAPHIE"
    ]


@pytest.mark.parametrize(
    ("text", "actor_type", "institution"),
    [
        ("EPI-PHARE, ANSM, Saint-Denis, France.", "agency", "EPI-PHARE"),
        ("Santé publique France, Saint-Maurice, France", "agency", "Santé publique France"),
        ("Haute Autorité de Santé (HAS), Saint-Denis, France", "agency", "HAS"),
        ("Caisse nationale de l'assurance maladie, Paris, France", "agency", "CNAM"),
        ("Service de cardiologie, Hôpital Bichat, AP-HP, Paris, France", "hospital", "AP-HP"),
        ("CHU de Bordeaux, Bordeaux, France.", "hospital", "CHU de Bordeaux"),
        ("Gustave Roussy, Villejuif, France", "hospital", "Gustave Roussy"),
        ("Sanofi, Chilly-Mazarin, France", "industry", "Sanofi"),
        ("IQVIA, La Défense, France", "industry", "IQVIA"),
        (
            "Dept of Epidemiology, University of Oxford, Oxford, UK",
            "academic",
            "University of Oxford",
        ),
        ("Inserm U1018, Villejuif, France", "academic", "Inserm"),
        ("Mairie de Quimper, France", "other", "Mairie de Quimper"),
    ],
)
def test_actor_type_rules(text, actor_type, institution):
    assert classify_affiliation(text) == (actor_type, institution)


def test_acronym_rules_do_not_match_ordinary_words():
    assert classify_affiliation("Clinic which has a lab, Lyon, France")[0] == "hospital"
    assert classify_affiliation("A team that has no name, Rennes, France")[0] == "other"


def test_rules_are_data_and_an_editor_can_change_them():
    rules = [{"pattern": r"Mairie", "actor_type": "agency", "institution": "Ville", "priority": 1}]
    assert classify_affiliation("Mairie de Quimper, France", rules) == ("agency", "Ville")
    # a broken rule typed in admin is skipped, not fatal
    assert classify_affiliation("Mairie", [{"pattern": "(", "actor_type": "x"}]) == (
        "other",
        "Mairie",
    )


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Univ Lille, Lille, France.", "France"),
        ("Harvard Medical School, Boston, MA 02115, USA", "United States"),
        ("University of California San Francisco, California 94143-0452", "United States"),
        ("Univ Oxford, Oxford, England.", "United Kingdom"),
        ("Karolinska Institutet, Stockholm, Sweden. a.b@ki.se", "Sweden"),
        ("CHU de Pointe-à-Pitre, Guadeloupe", "France"),
        ("Somewhere without a country", ""),
    ],
)
def test_country(text, country):
    assert detect_country(text) == country


def test_a_french_city_is_an_insee_commune_and_elsewhere_the_place_before_the_country():
    assert detect_city("CHU de Saint-Étienne, Saint-Etienne, France", "France") == "Saint-Étienne"
    assert detect_city("Hospices Civils de Lyon, Lyon, France") == "Lyon"
    assert detect_city("Université Paris Cité, Inserm, F-75006 Paris Cedex 06, France") == "Paris"
    assert detect_city("Inserm U1219, 146 rue Léo Saignat, 33076 Bordeaux, France") == "Bordeaux"
    assert detect_city("Unité X, Vandœuvre-lès-Nancy, France") == "Vandœuvre-lès-Nancy"
    assert detect_city("Paris, Texas, USA", "United States") == "Paris"
    assert detect_city("Harvard Medical School, Boston, MA 02115, USA") == "Boston"
    assert detect_city("Karolinska Institutet, Stockholm, Sweden") == "Stockholm"


@pytest.mark.parametrize(
    ("text", "country", "city"),
    [
        ("University of New Mexico, Albuquerque, New Mexico, USA.", "United States", "Albuquerque"),
        ("University of New Mexico, Albuquerque, NM 87131", "United States", "Albuquerque"),
        ("Emory University, Atlanta, Georgia.", "United States", "Atlanta"),
        ("Tbilisi State Medical University, Tbilisi, Georgia", "Georgia", "Tbilisi"),
        ("Rutgers University, Newark, New Jersey", "United States", "Newark"),
        ("General Hospital, St Helier, Jersey", "Jersey", "St Helier"),
        ("Instituto Nacional de Salud Pública, Mexico City, Mexico", "Mexico", "Mexico City"),
        ("Seoul National University, Seoul, Republic of Korea", "South Korea", "Seoul"),
        ("Universidade de Lisboa, Lisboa, Portugal", "Portugal", "Lisboa"),
        ("Makerere University, Kampala, Uganda", "Uganda", "Kampala"),
    ],
)  # fmt: skip
def test_us_states_are_never_countries_by_mistake(text, country, city):
    assert (detect_country(text), detect_city(text)) == (country, city)


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Inserm UMR 1229, RMeS, Université de Nantes, CHU Nantes, Nantes, France",
         ["academic", "hospital"]),
        ("Inserm UMR 1229, Nantes, France", ["academic"]),
        ("UMR 5558 CNRS, Université Lyon 1, Hospices Civils de Lyon, France",
         ["academic", "hospital"]),
        ("IRD, UMR VITROME, Marseille, France", ["academic"]),
        ("INRAE, UMR AGAP, Montpellier, France", ["academic"]),
        ("EPI-PHARE, ANSM, CNAM, Saint-Denis, France", ["agency"]),
        ("Health Data Hub, Paris, France", ["agency"]),
        ("Direction de la recherche, des études, de l'évaluation et des statistiques (DREES), "
         "Paris, France", ["agency"]),
        ("Sanofi R&D, Research Department, Chilly-Mazarin, France", ["industry"]),
        ("IQVIA, Université Paris-Saclay, France", ["industry", "academic"]),
        ("AP-HP, Hôpital Bichat, Service de cardiologie, Paris, France", ["hospital"]),
        ("Harvard Medical School, Boston, MA, USA", ["academic"]),
    ],
)  # fmt: skip
def test_mixed_affiliations_get_every_type_they_name(text, types):
    assert describe_affiliation(text)["actor_types"] == types


def test_areas_from_mesh_first_then_keywords():
    assert detect_areas(mesh_terms=["Breast Neoplasms", "Humans"], title="About hearts") == [
        "oncology"
    ]
    assert detect_areas(keywords=["suicide"], title="Deaths in France") == ["mental_health"]
    assert detect_areas(title="An unrelated title") == []


def test_enrich_collects_everything_for_a_record():
    record = {
        "title": "Statins and stroke in the SNDS",
        "abstract": "DCIR and PMSI MCO data.",
        "keywords": ["stroke"],
        "mesh_terms": [],
        "authors": [{"affiliations": ["EPI-PHARE, Saint-Denis, France"]}],
    }
    out = enrich(record)
    assert out["relevant"] is True
    assert out["components"] == ["DCIR", "PMSI_MCO"]
    assert out["areas"] == ["cardiovascular"]
    assert out["affiliations"]["EPI-PHARE, Saint-Denis, France"] == describe_affiliation(
        "EPI-PHARE, Saint-Denis, France"
    )


@pytest.mark.parametrize(
    ("text", "country", "city"),
    [
        ("University of New Mexico, Albuquerque, NM, 87109, Mexico.", "United States",
         "Albuquerque"),
        ("University of São Paulo, São Paulo, 05508-010, Brazil.", "Brazil", "São Paulo"),
        ("University of St Andrews, Fife, KY16 9AL, UK.", "United Kingdom", "Fife"),
        ("University of Alberta, Edmonton, T6G 2E1, Canada.", "Canada", "Edmonton"),
        ("Georgetown University Medical Center, Washington, DC, USA.", "United States",
         "Washington"),
        ("Veterans General Hospital, Kaohsiung 813, Taiwan, R.O.C.", "Taiwan", "Kaohsiung"),
    ],
)  # fmt: skip
def test_postcodes_and_slips_seen_in_real_pubmed_affiliations(text, country, city):
    assert (detect_country(text), detect_city(text)) == (country, city)
