"""Building, versioning, exporting and counting code lists."""

import html
import json

import pytest

from catalogue.codelists.models import CodeList
from catalogue.codelists.selectors import version_expand
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

DIABETES = "CIM10 E11 *\n!CIM10 E119\nATC A10BA02 *\n"


def _create(client, items=DIABETES, **extra):
    return client.post(
        "/catalogue/listes/nouvelle/",
        {"name": "Diabète de type 2", "rationale": "Définition HAS", "items": items, **extra},
    )


def test_a_porteur_builds_a_list_with_descendants_and_exclusions(referentials, cast, client):
    client.force_login(cast.alice)
    answer = _create(client)
    code_list = CodeList.objects.get()
    assert answer.status_code == 302 and answer["Location"] == code_list.get_absolute_url()
    codes = {(c.system, c.code) for c in version_expand(code_list.latest)}
    assert ("CIM10", "E110") in codes and ("CIM10", "E119") not in codes
    assert ("CIP13", "3400930280973") in codes  # a metformin box under A10BA02
    assert AuditEntry.objects.filter(action="codelists.create", actor=cast.alice).exists()
    page = client.get(code_list.get_absolute_url())
    assert "codes après expansion" in page.content.decode()


def test_an_unknown_code_is_reported_with_its_line_and_kept_out_only_when_confirmed(
    referentials, cast, client
):
    client.force_login(cast.alice)
    page = _create(client, items="CIM10 E11\nCIM10 ZZZ9\nCCAM LFQK002\n")
    assert page.status_code == 200 and not CodeList.objects.exists()
    assert "CIM10 ZZZ9 (ligne 2)" in html.unescape(page.content.decode())
    _create(client, items="CIM10 E11\nCIM10 ZZZ9\nCCAM LFQK002\n", keep_known="on")
    items = {(i.system, i.code) for i in CodeList.objects.get().latest.items.all()}
    assert items == {("CIM10", "E11"), ("CCAM", "LFQK002")}


def test_unknown_codes_read_in_the_language_of_the_page_and_of_the_job_page(
    referentials, cast, client
):
    from django.utils import translation

    from catalogue.codelists.messages import error_job_message
    from catalogue.codelists.referentials import ReferentialError
    from portal.messages import message_text

    client.force_login(cast.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html.unescape(_create(client, items="CIM10 E11\nCIM10 ZZZ9\n").content.decode())
    assert "Codes unknown to the referentials: CIM10 ZZZ9 (line 2)." in page
    assert "ligne" not in page
    # a job stores the codes, not words: its page words them in the reader's language
    stored = error_job_message(
        ReferentialError("unknown_codes", codes=[{"line": 2, "system": "CIM10", "code": "ZZZ9"}])
    )
    assert "ligne" not in stored
    with translation.override("en"):
        assert message_text(stored) == "Codes unknown to the referentials: CIM10 ZZZ9 (line 2)."
    with translation.override("fr"):
        assert message_text(stored) == "Codes inconnus des référentiels : CIM10 ZZZ9 (ligne 2)."


def test_every_change_makes_a_version_and_old_ones_stay_readable(referentials, cast, client):
    client.force_login(cast.alice)
    _create(client, items="CIM10 E11 *")
    code_list = CodeList.objects.get()
    client.post(
        f"/catalogue/listes/{code_list.pk}/modifier/",
        {"name": code_list.name, "items": "CIM10 E11 *\nCIM10 E10 *", "comment": "type 1 aussi"},
    )
    assert list(code_list.versions.values_list("number", flat=True)) == [2, 1]
    v1 = client.get(f"/catalogue/listes/{code_list.pk}/?version=1").context["expanded_total"]
    v2 = client.get(f"/catalogue/listes/{code_list.pk}/").context["expanded_total"]
    assert v2 > v1 > 1


def test_exports_give_snds_queries_in_sql_and_sas(referentials, cast, client):
    client.force_login(cast.alice)
    _create(client, items="CIM10 E11\nCIP13 3400930027905\nCCAM LFQK002")
    pk = CodeList.objects.get().pk
    sql = client.get(f"/catalogue/listes/{pk}/export.sql").content.decode()
    assert "T_MCOaaB.DGN_PAL IN ('E11')" in sql and "T_MCOaaD.ASS_DGN IN ('E11')" in sql
    assert "IR_IMB_R.MED_MTF_COD IN ('E11')" in sql
    assert "ER_PHA_F.PHA_PRS_C13 IN (3400930027905)" in sql
    assert "ER_CAM_F.CAM_PRS_IDE IN ('LFQK002')" in sql
    sas = client.get(f"/catalogue/listes/{pk}/export.sas").content.decode()
    assert 'WHERE DGN_PAL IN ("E11");' in sas
    rows = client.get(f"/catalogue/listes/{pk}/export.csv").content.decode().splitlines()
    assert rows[0] == "system,code,label" and len(rows) == 4


def test_the_atlas_concept_set_uses_the_loaded_vocabulary(
    referentials, cast, client, tmp_path, settings
):
    from omop.etl.demo_vocabulary import write_demo_bundle
    from omop.vocabulary.services import vocabulary_load

    settings.DATA_ROOT = tmp_path / "data"
    vocabulary_load(path=write_demo_bundle(tmp_path / "athena"))
    client.force_login(cast.alice)
    _create(client, items="CIM10 M545\n!CIM10 E11 *")
    pk = CodeList.objects.get().pk
    concept_set = json.loads(client.get(f"/catalogue/listes/{pk}/export.json").content)
    items = concept_set["expression"]["items"]
    assert {(i["concept"]["VOCABULARY_ID"], i["concept"]["CONCEPT_CODE"], i["isExcluded"])
            for i in items} == {("CIM10", "M54.5", False), ("CIM10", "E11", True)}  # fmt: skip
    assert all(i["concept"]["CONCEPT_ID"] > 2_000_000_000 for i in items)


def test_a_list_is_hidden_from_other_porteurs_and_shown_to_the_guichet(referentials, cast, client):
    client.force_login(cast.alice)
    _create(client, items="CIM10 E11")
    pk = CodeList.objects.get().pk
    client.force_login(cast.charlie)
    assert client.get(f"/catalogue/listes/{pk}/").status_code == 404
    assert client.get(f"/catalogue/listes/{pk}/export.sql").status_code == 404
    client.force_login(cast.guichet)
    assert client.get(f"/catalogue/listes/{pk}/").status_code == 200


@pytest.fixture
def conversion(settings, tmp_path):
    """A succeeded OMOP conversion of 300 synthetic persons (with the worked example)."""
    from omop.etl import run_conversion
    from omop.etl.generator import generate_extract
    from tests.omop.job_factories import finished

    settings.PRIVATE_ROOT = tmp_path / "private"
    extract = tmp_path / "snds"
    generate_extract(extract, persons=300, seed=3, include_example=True)
    etl_job = finished(extract_label="faisabilité", target="faisabilite")
    run_conversion(extract, etl_job.output_path)
    return etl_job


def test_the_persons_matching_a_list_are_counted_with_small_cells_hidden(
    referentials, cast, client, conversion
):
    client.force_login(cast.data)
    client.post(
        "/catalogue/listes/nouvelle/",
        {"name": "AINS", "items": "ATC M01AE *\n!CIP13 3400930027905"},
    )
    pk = CodeList.objects.get().pk
    page = client.post(f"/catalogue/listes/{pk}/compter/", {"output": conversion.pk})
    counts = page.context["counts"]
    assert isinstance(counts["total"], int) and counts["total"] >= 10
    sexes = {c["sex"]: c["count"] for c in counts["by_sex"]}
    assert set(sexes) <= {"M", "F", "U"}
    published = [c["count"] for part in ("by_sex", "by_age", "by_year") for c in counts[part]]
    assert all(n in ("< 10", "n.d.") or n >= 10 for n in published)
    assert "condition_occurrence" not in page.content.decode()  # codes, not table names


def test_a_frequent_drug_is_counted_exactly_and_a_rare_act_and_published_as_a_small_cell(
    referentials, cast, client, conversion
):
    import pandas as pd

    drugs = pd.read_csv(conversion.output_path / "drug_exposure.csv", dtype=str)
    persons = drugs.groupby("drug_source_value")["person_id"].nunique()
    acts = pd.read_csv(conversion.output_path / "procedure_occurrence.csv", dtype=str)
    act_persons = acts.groupby("procedure_source_value")["person_id"].nunique()
    common, rare = persons.idxmax(), act_persons[act_persons < 10].index[0]
    client.force_login(cast.data)
    for name, item in (("fréquent", f"CIP13 {common}"), ("rare", f"CCAM {rare}")):
        client.post("/catalogue/listes/nouvelle/", {"name": name, "items": item})
    counted = {}
    for code_list in CodeList.objects.all():
        page = client.post(f"/catalogue/listes/{code_list.pk}/compter/", {"output": conversion.pk})
        counted[code_list.name] = page.context["counts"]["total"]
    assert counted == {"fréquent": int(persons[common]), "rare": "< 10"}


def test_a_porteur_cannot_count_on_outputs_they_are_not_given(
    referentials, cast, client, conversion
):
    client.force_login(cast.alice)
    _create(client, items="CIM10 E11")
    pk = CodeList.objects.get().pk
    assert (
        client.post(f"/catalogue/listes/{pk}/compter/", {"output": conversion.pk}).status_code
        == 404
    )


def test_an_ngap_act_is_counted_by_its_prestation_code(referentials, cast, client, conversion):
    import pandas as pd

    acts = pd.read_csv(conversion.output_path / "procedure_occurrence.csv", dtype=str)
    ngap = acts[acts["procedure_source_value"].str.startswith("NGAP:")]
    persons = ngap.groupby("procedure_source_value")["person_id"].nunique()
    value = persons.idxmax()  # written NGAP:<PRS_NAT_REF> in the output
    client.force_login(cast.data)
    client.post("/catalogue/listes/nouvelle/", {"name": "actes", "items": f"NGAP {value[5:]}"})
    code_list = CodeList.objects.get()
    page = client.post(f"/catalogue/listes/{code_list.pk}/compter/", {"output": conversion.pk})
    total = int(persons[value])
    assert page.context["counts"]["total"] == (total if total >= 10 else "< 10")
