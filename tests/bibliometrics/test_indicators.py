"""Indicators against hand-computed examples."""

import pytest

from bibliometrics import indicators as ind


def test_annual_production_fills_gaps():
    assert ind.annual_production([2018, 2020, 2020, None]) == {2018: 1, 2019: 0, 2020: 2}
    assert ind.annual_production([]) == {}


def test_cagr_hand_computed():
    # 100 → 121 in two years: +10 % a year
    assert ind.cagr({2018: 100, 2019: 110, 2020: 121}) == pytest.approx(0.10)
    assert ind.cagr({2018: 100, 2019: 50, 2020: 400}, start=2018, end=2020) == pytest.approx(1.0)
    assert ind.cagr({2018: 0, 2019: 5}) is None
    assert ind.cagr({2018: 4}) is None


ROWS = [
    {"year": 2019, "actor_types": ["academic", "hospital"], "components": ["DCIR"]},
    {"year": 2019, "actor_types": ["academic", "academic"], "components": ["DCIR", "PMSI_MCO"]},
    {"year": 2020, "actor_types": ["industry"], "components": []},
    {"year": None, "actor_types": ["academic"], "components": ["DCIR"]},
]


def test_production_by_counts_each_publication_once_per_category():
    assert ind.production_by(ROWS, "actor_types") == {
        "academic": {2019: 2},
        "hospital": {2019: 1},
        "industry": {2020: 1},
    }
    assert ind.totals_by(ROWS, "components") == {"DCIR": 3, "PMSI_MCO": 1}


def test_top_journals_breaks_ties_alphabetically():
    assert ind.top_journals(["B", "A", "B", "C", "A", None, "B"], n=2) == [("B", 3), ("A", 2)]


def test_bradford_zones_hand_computed():
    # 12 articles: J1 has 4, J2 and J3 2 each, J4..J7 1 each → zones of 4 articles
    journals = ["J1"] * 4 + ["J2"] * 2 + ["J3"] * 2 + ["J4", "J5", "J6", "J7"]
    out = ind.bradford_zones(journals)
    assert out["zones"] == [
        {"zone": 1, "journals": 1, "articles": 4},
        {"zone": 2, "journals": 2, "articles": 4},
        {"zone": 3, "journals": 4, "articles": 4},
    ]
    assert out["journal_zone"]["J3"] == 2
    assert out["multiplier"] == pytest.approx(2.0)  # 1 : 2 : 4


def test_lotka_recovers_the_inverse_square_law():
    # 400 authors with 1 paper, 100 with 2, 25 with 4: y = 400 / x^2 exactly
    counts = [1] * 400 + [2] * 100 + [4] * 25
    out = ind.lotka(counts)
    assert out["exponent"] == pytest.approx(2.0)
    assert out["r2"] == pytest.approx(1.0)
    # C = 1 / (1 + 1/4 + 1/9 + 1/16)
    assert out["constant"] == pytest.approx(1 / (1 + 1 / 4 + 1 / 9 + 1 / 16))
    assert out["authors"] == 525
    assert [r["x"] for r in out["table"]] == [1, 2, 4]


def test_lotka_needs_two_distinct_productivities():
    assert ind.lotka([1, 1, 1])["exponent"] is None


def test_h_index_hand_computed():
    assert ind.h_index([10, 8, 5, 4, 3]) == 4
    assert ind.h_index([25, 8, 5, 3, 3]) == 3
    assert ind.h_index([0, 0]) == 0
    assert ind.h_index([None, 3, 3, 3]) == 3
    assert ind.h_index_by({"A": [10, 8, 5, 4, 3], "B": [1], "C": [None]}) == [("A", 4), ("B", 1)]


def test_collaboration_hand_computed():
    out = ind.collaboration([1, 2, 4, 3])
    assert out["collaboration_index"] == pytest.approx(3.0)  # (2+4+3)/3
    assert out["degree_of_collaboration"] == pytest.approx(0.75)
    assert out["mean_authors"] == pytest.approx(2.5)
    assert ind.international_share([["France", "France"], ["France", "USA"], [], ["Italy"]]) == (
        pytest.approx(1 / 3)
    )


def test_collaboration_network_weights_and_communities():
    groups = [["A", "B"], ["A", "B"], ["A", "C"], ["D", "E"], ["D", "E", "F"]]
    graph = ind.collaboration_network(groups)
    assert graph["A"]["B"]["weight"] == 2
    assert graph.nodes["A"]["publications"] == 3
    summary = ind.network_summary(graph)
    assert summary["nodes"] == 6
    assert summary["edges"] == 5
    assert sorted(map(sorted, summary["communities"])) == [["A", "B", "C"], ["D", "E", "F"]]
    top = summary["central"][0]
    assert top["node"] in {"A", "E", "D"}
    assert top["degree"] == pytest.approx(2 / 5)
    assert ind.network_summary(graph) == summary  # fixed seed: same answer every time


def test_network_layout_keeps_the_busiest_nodes():
    graph = ind.collaboration_network([["A", "B"], ["A", "C"], ["A"], ["D"]])
    layout = ind.network_layout(graph, max_nodes=2)
    assert {n["id"] for n in layout["nodes"]} == {"A", "B"} or {
        n["id"] for n in layout["nodes"]
    } == {
        "A",
        "C",
    }
    assert len(layout["edges"]) == 1


def test_keyword_cooccurrence_counts_pairs_once_per_publication():
    lists = [["SNDS", "Stroke", "snds"], ["stroke", "SNDS"], ["stroke", "statins"]]
    assert ind.keyword_cooccurrence(lists, min_count=1) == [
        ("snds", "stroke", 2),
        ("statins", "stroke", 1),
    ]
    assert ind.keyword_cooccurrence(lists) == [("snds", "stroke", 2)]


def test_topic_trends_counts_and_shares():
    years = [2019, 2019, 2020, 2020, None]
    topics = ["a", "b", "a", "a", "a"]
    assert ind.topic_trends(years, topics) == {"a": {2019: 1, 2020: 2}, "b": {2019: 1, 2020: 0}}
    assert ind.topic_trends(years, topics, share=True)["a"] == {2019: 0.5, 2020: 1.0}


def test_reuse_potential_shows_gaps():
    rows = [
        {"components": ["DCIR", "PMSI_MCO"], "areas": ["oncology"]},
        {"components": ["DCIR"], "areas": ["oncology", "cardiovascular"]},
    ]
    out = ind.reuse_potential(
        rows, components=["DCIR", "PMSI_MCO"], themes=["oncology", "cardiovascular"]
    )
    assert out["matrix"] == {
        "DCIR": {"oncology": 2, "cardiovascular": 1},
        "PMSI_MCO": {"oncology": 1, "cardiovascular": 0},
    }
    assert out["gaps"] == [("PMSI_MCO", "cardiovascular")]


def test_compute_all_is_json_serialisable():
    import json

    rows = [
        {
            "id": 1,
            "year": 2019,
            "journal": "J",
            "citations": 3,
            "authors": ["a", "b"],
            "institutions": ["X", "Y"],
            "actor_types": ["academic"],
            "countries": ["France"],
            "cities": ["Paris"],
            "components": ["DCIR"],
            "areas": ["oncology"],
            "topic": "t",
            "keywords": ["k1", "k2"],
        },
        {"id": 2, "year": 2020, "journal": "J", "citations": None, "authors": ["a"]},
    ]
    out = ind.compute_all(rows, components=["DCIR"], themes=["oncology"])
    json.dumps(out)
    assert out["publications"] == 2
    assert out["production"] == {2019: 1, 2020: 1}
    assert out["h_index_institutions"] == [("X", 1), ("Y", 1)]


def test_consortium_papers_are_left_out_of_networks():
    huge = [f"a{i}" for i in range(60)]
    graph = ind.collaboration_network([huge, ["x", "y"]])
    assert set(graph.nodes) == {"x", "y"}


def test_large_networks_are_summarised_on_their_core():
    star = [["hub", f"leaf{i}"] for i in range(20)] * 2  # the hub and its leaves: strength 40, 2
    pairs = [[f"c{i}", f"d{i}"] for i in range(20)]  # 40 loosely connected nodes: strength 1
    summary = ind.network_summary(ind.collaboration_network(star + pairs), core_size=10)
    assert (summary["nodes"], summary["edges"]) == (61, 40)
    assert summary["core_nodes"] == 10
    assert summary["central"][0]["node"] == "hub"
    assert summary["central"][0]["degree"] == 1.0


def test_filter_rows_and_dashboard():
    rows = [
        {"id": 1, "year": 2019, "actor_types": ["hospital"], "journal": "J", "topic": "t"},
        {"id": 2, "year": 2020, "actor_types": ["academic"], "journal": "K", "topic": None},
        {"id": 3, "year": None, "actor_types": ["hospital"], "journal": "J", "topic": "t"},
    ]
    assert [r["id"] for r in ind.filter_rows(rows, actor_type="hospital")] == [1, 3]
    assert [r["id"] for r in ind.filter_rows(rows, year_min=2019, journal="J")] == [1]
    assert [r["id"] for r in ind.filter_rows(rows, year=2020, actor_type="")] == [2]
    with pytest.raises(ValueError, match="unknown filter"):
        ind.filter_rows(rows, colour="red")
    out = ind.dashboard(rows, components=[], themes=[])
    assert out["publications"] == 3
    assert out["production"] == {2019: 1, 2020: 1}
    assert out["top_journals"] == [("J", 2), ("K", 1)]
