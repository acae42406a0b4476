"""Importing files: de-duplication, updates in place, rejects with reasons, deletions."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from bibliometrics import services
from bibliometrics.models import (
    Affiliation,
    Authorship,
    ImportRun,
    IndicatorSnapshot,
    Publication,
    PublicationMerge,
)
from portal.messages import message_text
from portal.models import Job
from tests.pages import api_in, page_in

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(str(p) for p in DATA.glob("sample.*"))


def run_import(*paths, fmt="auto"):
    return services.import_start(paths=list(paths), fmt=fmt, background=False)


@pytest.mark.django_db
def test_it_imports_every_format_and_reports_rejects_with_reasons():
    run = run_import(*SAMPLES)
    assert run.job.status == Job.Status.SUCCEEDED
    assert run.stats["new"] == 7
    assert run.stats["rejected"] == 6
    reasons = {r["file"]: message_text(r["reason"]) for r in run.stats["rejects"]}
    assert reasons["sample.xml"] == "notice sans titre"
    assert "ne peut pas être identifiée" in reasons["sample.bib"]
    with translation.override("en"):
        english = {r["file"]: message_text(r["reason"]) for r in run.stats["rejects"]}
    assert english["sample.xml"] == "record without a title"
    assert "cannot be identified" in english["sample.bib"]
    assert run.job.result["new"] == 7
    assert Publication.objects.filter(pmid="90000001").exists()


@pytest.mark.django_db
def test_a_rerun_never_duplicates():
    run_import(*SAMPLES)
    again = run_import(*SAMPLES)
    assert again.stats["new"] == 0
    assert again.stats["duplicate"] == 7
    assert Publication.objects.count() == 7
    assert Authorship.objects.filter(publication__pmid="90000001").count() == 2


@pytest.mark.django_db
def test_a_changed_record_is_updated_in_place(tmp_path):
    run_import(DATA / "sample.xml")
    pub = Publication.objects.get(pmid="90000001")
    changed = tmp_path / "changed.xml"
    changed.write_text(
        (DATA / "sample.xml").read_text().replace("Statins reduced strokes.", "Statins help.")
    )
    run = run_import(changed)
    assert run.stats["updated"] == 1
    assert run.stats["new"] == 0
    pub.refresh_from_db()
    assert pub.abstract.endswith("RESULTS: Statins help.")
    assert pub.authorships.count() == 2


@pytest.mark.django_db
def test_same_record_in_two_formats_is_matched_by_doi_then_title(tmp_path):
    run_import(DATA / "sample.csv")
    bib = tmp_path / "same.bib"
    bib.write_text(
        "@article{x, title={Antidepressants and falls in the SNDS}, year={2020},"
        " doi={10.1002/PDS.EXAMPLE}, journal={PDS}}\n"
        "@article{y, title={Antidepressants and falls in the SNDS.}, year={2020}, journal={PDS}}\n"
    )
    run = run_import(bib)
    assert run.stats["new"] == 0
    assert (run.stats["merged"], run.stats["duplicate"]) == (1, 1)
    assert Publication.objects.count() == 1
    merge = PublicationMerge.objects.get()
    assert (merge.key, merge.value, merge.source) == ("doi", "10.1002/pds.example", "bibtex")


@pytest.mark.django_db
def test_same_title_with_different_pmids_stays_two_publications(tmp_path):
    text = (DATA / "sample.medline").read_text().split("\n\n")[0]
    other = text.replace("90000011", "90000099").replace("10.1007/example-11", "10.1007/ex-99")
    target = tmp_path / "two.medline"
    target.write_text(text + "\n\n" + other + "\n")
    run = run_import(target)
    assert run.stats["new"] == 2


@pytest.mark.django_db
def test_delete_citation_removes_records(tmp_path):
    run_import(DATA / "sample.medline")
    target = tmp_path / "delete.xml"
    target.write_text(
        "<PubmedArticleSet><DeleteCitation><PMID>90000011</PMID></DeleteCitation>"
        "</PubmedArticleSet>"
    )
    run = run_import(target)
    assert run.stats["deleted"] == 1
    assert not Publication.objects.filter(pmid="90000011").exists()


@pytest.mark.django_db
def test_enrichment_is_stored_and_indicators_refreshed():
    run_import(DATA / "sample.xml")
    pub = Publication.objects.get(pmid="90000001")
    assert pub.relevant
    assert set(pub.components.values_list("code", flat=True)) == {"PMSI_MCO"}
    assert set(pub.areas.values_list("code", flat=True)) == {"cardiovascular"}
    ginkgo = Publication.objects.get(pmid="90000003")
    assert not ginkgo.relevant
    aff = Affiliation.objects.get(raw_text__startswith="EPI-PHARE")
    assert (aff.actor_type, aff.institution, aff.city) == ("agency", "EPI-PHARE", "Saint-Denis")
    snapshot = IndicatorSnapshot.objects.latest()
    assert snapshot.publications == 1
    assert snapshot.data["production"] == {"1977": 1}


@pytest.mark.django_db
def test_a_curator_decision_survives_a_reimport(cast):
    run_import(DATA / "sample.xml")
    pub = Publication.objects.get(pmid="90000003")
    services.publication_set_relevance(publication=pub, relevant=True, note="ok", by=cast.data)
    Publication.objects.filter(pk=pub.pk).update(source_hash="")  # force an update
    run_import(DATA / "sample.xml")
    pub.refresh_from_db()
    assert pub.relevance_override is True
    assert pub.relevant is True


@pytest.mark.django_db
def test_unknown_format_fails_with_a_message(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("nothing bibliographic")
    run = run_import(bad)
    assert run.stats["rejected"] == 1
    assert "format non reconnu" in message_text(run.stats["rejects"][0]["reason"])


@pytest.mark.django_db
def test_the_command_runs_the_import_as_a_job(tmp_path, capsys):
    target = tmp_path / "sample.ris"
    shutil.copy(DATA / "sample.ris", target)
    call_command("import_publications", str(target), "--format", "ris")
    out = capsys.readouterr().out
    assert "new 1" in out and "rejected 1" in out
    assert Job.objects.filter(kind="bibliometrics.import", status="succeeded").exists()


@pytest.mark.django_db
def test_reclassify_applies_edited_rules_but_not_to_curated_affiliations():
    run_import(DATA / "sample.xml")
    curated = Affiliation.objects.get(raw_text__startswith="Department of Epidemiology")
    curated.actor_type, curated.curated = "other", True
    curated.save()
    changed = services.affiliations_reclassify(
        rules=[{"pattern": "EPI-PHARE", "actor_type": "industry", "priority": 1}]
    )
    assert changed == 1
    assert Affiliation.objects.get(raw_text__startswith="EPI-PHARE").actor_type == "industry"
    curated.refresh_from_db()
    assert curated.actor_type == "other"


@pytest.mark.django_db
def test_a_vanished_upload_fails_the_job_with_what_to_do_in_the_language_of_the_page(
    tmp_path, cast, client
):
    target = tmp_path / "gone.ris"
    target.write_text((DATA / "sample.ris").read_text())
    from portal.jobs import job_run_inline

    run = services.import_start(paths=[target], background=True, by=cast.data)
    target.unlink()
    job_run_inline(job=run.job)
    run.job.refresh_from_db()
    assert run.job.status == Job.Status.FAILED
    assert "Déposez-le à nouveau" not in run.job.error  # a code: the page words it
    client.force_login(cast.data)
    url = f"/publications/imports/{run.pk}/"
    assert "Fichier introuvable : gone.ris. Déposez-le à nouveau." in page_in(client, "fr", url)
    assert "File not found: gone.ris. Upload it again." in page_in(client, "en", url)
    api = api_in(client, "en", f"/api/jobs/{run.job.pk}/")
    assert api["error"] == "File not found: gone.ris. Upload it again."
    assert "ERROR File not found: gone.ris" in api["log"]


@pytest.mark.django_db
def test_the_import_log_reads_in_the_language_of_the_page(cast, client):
    run = services.import_start(paths=[DATA / "sample.ris"], background=False, by=cast.data)
    assert run.job.status == Job.Status.SUCCEEDED
    client.force_login(cast.data)
    english = page_in(client, "en", f"/jobs/{run.job.pk}/")
    new = run.stats["new"]
    assert "sample.ris: format ris" in english
    assert f"new {new}, updated 0, merged 0" in english and "nouvelles" not in english
    french = page_in(client, "fr", f"/jobs/{run.job.pk}/")
    assert "sample.ris : format ris" in french and f"nouvelles {new}, mises à jour 0" in french


@pytest.mark.django_db
def test_a_retried_import_gets_its_own_run_and_imports_the_file(tmp_path, cast):
    from portal.jobs import job_retry, job_run_inline

    target = tmp_path / "sample.ris"
    target.write_text((DATA / "sample.ris").read_text())
    run = services.import_start(paths=[target], background=True)
    Job.objects.filter(pk=run.job.pk).update(status=Job.Status.FAILED)  # e.g. a worker died
    run.job.refresh_from_db()

    new_job = job_run_inline(job=job_retry(job=run.job, by=cast.data))

    assert new_job.status == Job.Status.SUCCEEDED, new_job.error
    rerun = ImportRun.objects.get(job=new_job)
    assert rerun.pk != run.pk and rerun.files == run.files
    assert rerun.stats and not ImportRun.objects.get(pk=run.pk).stats
