"""The alignment of a conversion and the review of its unmapped codes, in the portal."""

from __future__ import annotations

import html

import pytest
from django.db import connection

from omop.etl import run_conversion
from omop.etl.demo_vocabulary import write_demo_bundle
from omop.vocabulary import store
from omop.vocabulary.models import MappingDecision, SourceToConceptMap
from omop.vocabulary.services import vocabulary_load
from portal.models import AuditEntry

from .job_factories import finished

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def converted(settings, tmp_path, extract):
    """A succeeded conversion whose CSV output is on disk, and the demo vocabulary loaded."""
    settings.DATA_ROOT = tmp_path / "data"
    settings.PRIVATE_ROOT = tmp_path / "private"
    etl_job = finished(extract_label="démo alignement", target="alignement")
    run_conversion(extract, etl_job.output_path)
    vocabulary_load(path=write_demo_bundle(tmp_path / "athena"))
    yield etl_job
    with connection.cursor() as cur:
        if store.is_postgresql():
            cur.execute(f"DROP SCHEMA IF EXISTS {store.SCHEMA} CASCADE")
        else:
            for name in ("concept", "concept_relationship", "concept_ancestor", "concept_synonym",
                         "vocabulary", "domain", "concept_class", "relationship"):  # fmt: skip
                cur.execute(f"DROP TABLE IF EXISTS vocab_{name}")


def _summary(client, etl_job):
    page = client.get(f"/omop/vocabulaires/conversions/{etl_job.pk}/alignement/")
    assert page.status_code == 200
    return {(s["table"], s["vocabulary"]): s for s in page.context["alignment"]["by_vocabulary"]}


def test_the_alignment_page_gives_codes_and_rows_per_source_vocabulary(cast, client, converted):
    client.force_login(cast.data)
    summary = _summary(client, converted)
    ccam = summary[("procedure_occurrence", "CCAM")]
    assert 0 < ccam["codes_mapped"] < ccam["codes"]  # the demo bundle leaves 1 code in 10 out
    drugs = summary[("drug_exposure", "BDPM")]
    assert 80 < drugs["rows_share"] < 100
    page = client.get(f"/omop/vocabulaires/conversions/{converted.pk}/alignement/")
    unmapped = page.context["alignment"]["unmapped"]["CCAM"]
    assert unmapped[0]["label"]  # labelled from the SNDS nomenclature, never a bare code
    assert all(c["persons"] == "< 10" or c["persons"] >= 10 for c in unmapped)
    assert "&lt; 10" in page.content.decode()  # shown escaped, as "< 10"


def test_a_curator_approves_a_candidate_and_the_code_counts_as_aligned(cast, client, converted):
    client.force_login(cast.data)
    before = _summary(client, converted)[("procedure_occurrence", "CCAM")]
    review = client.get(f"/omop/vocabulaires/conversions/{converted.pk}/revue/?vocabulaire=CCAM")
    item = review.context["items"][0]
    assert item["candidates"] and 0 < item["candidates"][0]["score"] <= 1
    target = item["candidates"][0]["concept_id"]
    answer = client.post(
        f"/omop/vocabulaires/conversions/{converted.pk}/decision/",
        {"source_vocabulary_id": "CCAM", "source_code": item["code"], "status": "approved",
         "target_concept_id": target, "source_name": item["label"],
         "comment": "même acte, libellé proche"},
    )  # fmt: skip
    assert answer.status_code == 302
    after = _summary(client, converted)[("procedure_occurrence", "CCAM")]
    assert after["codes_mapped"] == before["codes_mapped"] + 1
    mapping = SourceToConceptMap.objects.get(source_code=item["code"], retired_in__isnull=True)
    assert mapping.target_concept_id == target
    assert AuditEntry.objects.filter(action="omop.mapping.approved", actor=cast.data).exists()

    export = client.get("/omop/vocabulaires/usagi.csv").content.decode()
    assert f"{item['code']}," in export and ",APPROVED,EQUAL,data," in export
    stcm = client.get("/omop/vocabulaires/stcm.csv").content.decode()
    assert f"{item['code']},0,CCAM," in stcm


def test_a_rejection_retires_the_mapping_and_keeps_the_old_version_readable(
    cast, client, converted
):
    client.force_login(cast.data)
    code = client.get(
        f"/omop/vocabulaires/conversions/{converted.pk}/revue/?vocabulaire=CCAM"
    ).context["items"][0]
    decide = f"/omop/vocabulaires/conversions/{converted.pk}/decision/"
    target = code["candidates"][0]["concept_id"]
    client.post(decide, {"source_vocabulary_id": "CCAM", "source_code": code["code"],
                         "status": "approved", "target_concept_id": target})  # fmt: skip
    client.post(decide, {"source_vocabulary_id": "CCAM", "source_code": code["code"],
                         "status": "rejected", "comment": "faux ami"})  # fmt: skip
    assert list(MappingDecision.objects.values_list("status", flat=True)) == [
        "rejected", "approved"
    ]  # fmt: skip
    assert code["code"] not in client.get("/omop/vocabulaires/stcm.csv").content.decode()
    assert code["code"] in client.get("/omop/vocabulaires/stcm.csv?version=1").content.decode()


def test_an_approval_needs_a_concept_that_exists(cast, client, converted):
    client.force_login(cast.data)
    answer = client.post(
        f"/omop/vocabulaires/conversions/{converted.pk}/decision/",
        {"source_vocabulary_id": "CCAM", "source_code": "XXXX001", "status": "approved",
         "target_concept_id": 42},
        follow=True,
    )  # fmt: skip
    assert "Le concept 42 n'existe pas" in html.unescape(answer.content.decode())
    assert not SourceToConceptMap.objects.exists()


def test_the_review_search_finds_french_synonyms_without_accents(cast, client, converted):
    client.force_login(cast.data)
    page = client.get(
        f"/omop/vocabulaires/conversions/{converted.pk}/revue/?vocabulaire=CCAM&q=diabete+type+2"
    )
    names = [c["concept_name"] for c in page.context["found"]]
    assert names[0] == "Type 2 diabetes mellitus"


def test_two_runs_compare_side_by_side(cast, client, converted):
    other = finished(extract_label="sans vocabulaire", target="alignement")
    client.force_login(cast.data)
    page = client.get(f"/omop/vocabulaires/comparer/?avant={other.pk}&apres={converted.pk}")
    rows = {(r["table"], r["vocabulary"]): r for r in page.context["rows"]}
    assert rows[("drug_exposure", "BDPM")]["rows_share_change"] == 0.0


def test_porteurs_and_other_staff_cannot_see_the_vocabulary_pages(cast, client, converted):
    for user in (cast.charlie, cast.guichet):
        client.force_login(user)
        assert client.get("/omop/vocabulaires/").status_code == 403
        assert (
            client.get(f"/omop/vocabulaires/conversions/{converted.pk}/alignement/").status_code
            == 403
        )


def test_a_curator_loads_an_uploaded_bundle_as_a_job_with_progress(
    cast, client, settings, tmp_path
):
    import io
    import zipfile

    from portal.jobs import job_run_inline
    from portal.models import Job

    settings.DATA_ROOT = tmp_path / "data"
    settings.PRIVATE_ROOT = tmp_path / "private"
    bundle = write_demo_bundle(tmp_path / "athena")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in bundle.iterdir():
            zf.write(f, f.name)
    archive.seek(0)
    archive.name = "athena.zip"
    client.force_login(cast.data)
    answer = client.post("/omop/vocabulaires/", {"upload": archive})
    job = Job.objects.get(kind="omop.vocabulary")
    assert answer.status_code == 302 and answer["Location"] == job.get_absolute_url()
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100, job.error
    assert "CONCEPT_RELATIONSHIP" in job.log
    page = client.get("/omop/vocabulaires/")
    assert "HDH démo 2026-12 (pas Athena)" in page.content.decode()
    assert not list((tmp_path / "private" / "vocabulary-uploads").iterdir())  # cleaned up


def test_an_upload_that_is_not_a_zip_is_refused_with_a_reason(cast, client, settings, tmp_path):
    import io

    settings.PRIVATE_ROOT = tmp_path / "private"
    fake = io.BytesIO(b"concept_id\tconcept_name\n")
    fake.name = "CONCEPT.csv"
    client.force_login(cast.data)
    page = client.post("/omop/vocabulaires/", {"upload": fake})
    assert page.status_code == 200
    assert "ni un dossier ni une archive zip" in html.unescape(page.content.decode())


def test_a_failed_load_reads_its_error_in_the_pages_language(cast, client, settings, tmp_path):
    from omop.vocabulary.services import vocabulary_load_enqueue
    from portal.jobs import job_run_inline

    settings.DATA_ROOT = tmp_path / "data"
    bundle = write_demo_bundle(settings.DATA_ROOT / "athena")
    (bundle / "CONCEPT.csv").unlink()
    job = vocabulary_load_enqueue(by=cast.data, source_path="athena")
    job = job_run_inline(job=job)
    assert job.status == "failed" and job.error.startswith("omop.vocabulary:missing_file|")
    client.force_login(cast.data)

    english = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "The file CONCEPT.csv is missing from the bundle" in english
    assert "manque au paquet" not in english and "Vocabulaires OMOP" not in english
    assert "Le fichier CONCEPT.csv manque au paquet" in french
