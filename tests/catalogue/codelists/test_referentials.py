"""The referentials a code list is built from, and their search."""

import pytest

from catalogue.codelists import demo, services
from catalogue.codelists.referentials import ReferentialError
from catalogue.codelists.selectors import code_ancestors, codes_search

pytestmark = pytest.mark.django_db


def _found(q, **kw):
    hits, facets = codes_search(q, **kw)
    return [(h.system, h.code) for h in hits], facets


def test_a_drug_name_finds_its_atc_substance_and_its_boxes(referentials):
    hits, facets = _found("ibuprofène")
    assert hits[0] == ("ATC", "M01AE01")
    assert ("CIP13", "3400930027905") in hits  # the worked example's box
    assert facets["CIP13"] >= 10


def test_names_match_without_accents_and_in_the_plural(referentials):
    assert ("ATC", "M01AE01") in _found("IBUPROFENE")[0]
    assert ("CIM10", "E11") in _found("diabètes sucrés type 2")[0]


def test_code_prefixes_cip7_and_cip13_are_found(referentials):
    assert _found("E11")[0][0] == ("CIM10", "E11")
    assert {c for _s, c in _found("M01AE")[0]} >= {"M01AE", "M01AE01"}
    assert _found("3002790")[0] == [("CIP13", "3400930027905")]
    assert _found("3400930027905")[0] == [("CIP13", "3400930027905")]


def test_the_system_facet_narrows_the_answer(referentials):
    hits, facets = _found("diabète", system="NABM")
    assert hits and {s for s, _ in hits} == {"NABM"}
    assert facets["CIM10"] > 10  # the counts of the other systems stay visible


def test_hierarchies_go_up_to_the_chapter(referentials):
    assert [a.code for a in code_ancestors("CIM10", "E119")] == ["CHAP-IV", "E10-E14", "E11"]
    box = code_ancestors("CIP13", "3400930027905")
    assert [a.code for a in box[:5]] == ["M", "M01", "M01A", "M01AE", "M01AE01"]
    assert box[5].code.startswith("PROD-") and "IBUPROFENE DEMO" in box[5].label  # the product
    assert [a.code for a in code_ancestors("CCAM", "LFQK002")] == ["CHAP-L"]
    assert [a.code for a in code_ancestors("NGAP", "1111")] == ["NAT-1"]


def test_every_cim10_category_sits_in_a_block_of_its_chapter(referentials):
    from catalogue.codelists.models import ReferentialCode

    blocks = dict(
        ReferentialCode.objects.filter(system="CIM10", level=1).values_list("code", "parent")
    )
    assert len(blocks) > 200 and blocks["E10-E14"] == "CHAP-IV"
    loose = ReferentialCode.objects.filter(system="CIM10", level=2).exclude(parent__in=blocks)
    assert set(loose.values_list("code", flat=True)) <= {
        "U80",
        "U81",
        "U88",
        "U89",
        "U90",
        "III",
        "ZZZ",
    }


def test_a_block_and_a_product_take_their_descendants_along(referentials):
    from catalogue.codelists.selectors import _descendants

    diabetes = {c for _s, c in _descendants("CIM10", "E10-E14")}
    assert {"E10", "E11", "E119", "E14"} <= diabetes and "E15" not in diabetes
    product = code_ancestors("CIP13", "3400930027905")[-1]
    assert ("CIP13", "3400930027905") in _descendants("CIP13", product.code)
    assert ("CIP13", "3400930027905") in _descendants("ATC", "M01AE")


def test_a_bdpm_file_in_another_format_is_refused_with_what_was_expected(tmp_path, cast):
    cis, cip, compo = demo.write_bdpm(tmp_path)
    cip.write_text("3400930027905;IBUPROFENE\n", encoding="cp1252")  # ; instead of tabs
    with pytest.raises(ReferentialError) as caught:
        services.referential_import_bdpm(cis=cis, cis_cip=cip, compo=compo, by=cast.data)
    assert caught.value.code == "bdpm_wrong_format"
    assert caught.value.params == {
        "file": "CIS_CIP_bdpm.txt",
        "line": 1,
        "expected": 10,
        "found": 1,
    }


def test_an_ir_pha_r_without_its_columns_is_refused(tmp_path, cast):
    path = tmp_path / "IR_PHA_R.csv"
    path.write_text("PHA_CIP_C13;PHA_MED_NOM\n3400930027905;X\n", encoding="utf-8")
    with pytest.raises(ReferentialError) as caught:
        services.referential_import_ir_pha_r(path=path, by=cast.data)
    assert caught.value.code == "missing_columns"
    assert "PHA_ATC_C07" in caught.value.params["columns"]
