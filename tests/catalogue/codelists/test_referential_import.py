"""The data team imports the drug referentials from the portal, as jobs with progress."""

import io

import pytest

from catalogue.codelists import demo
from catalogue.codelists.models import ReferentialCode
from portal.jobs import job_run_inline
from portal.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


def _upload(path, name=None):
    f = io.BytesIO(path.read_bytes())
    f.name = name or path.name
    return f


@pytest.fixture
def private(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT / "codelists-imports"


def test_the_data_team_imports_ir_pha_r_as_a_job_with_progress(cast, client, tmp_path, private):
    path = demo.write_ir_pha_r(tmp_path / "export.csv")
    client.force_login(cast.data)
    answer = client.post(
        "/catalogue/referentiels/importer/", {"source": "IR_PHA_R", "ir_pha_r": _upload(path)}
    )
    job = Job.objects.get(kind="codelists.referential_import")
    assert answer.status_code == 302 and answer["Location"] == job.get_absolute_url()
    assert AuditEntry.objects.filter(action="job.enqueue", actor=cast.data).exists()
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100, job.error
    assert "IR_PHA_R" in job.log and job.result["codes"] > 600
    assert ReferentialCode.objects.filter(system="CIP13", code="3400930027905").exists()
    assert AuditEntry.objects.filter(action="codelists.referentials_load", actor=cast.data).exists()
    assert not list(private.iterdir())  # the upload is removed once imported


def test_the_bdpm_comes_as_its_three_files(cast, client, tmp_path, private):
    from catalogue.codelists import services

    services.referential_import_ir_pha_r(path=demo.write_ir_pha_r(tmp_path / "IR_PHA_R.csv"))
    cis, cip, compo = demo.write_bdpm(tmp_path / "bdpm")
    client.force_login(cast.data)
    client.post(
        "/catalogue/referentiels/importer/",
        {"source": "BDPM", "cis": _upload(cis), "cis_cip": _upload(cip), "compo": _upload(compo)},
    )
    job = Job.objects.get(kind="codelists.referential_import")
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    box = ReferentialCode.objects.get(system="CIP13", code="3400930027905")
    assert box.parent.startswith("PROD-6") and box.source == "BDPM"  # the product's CIS
    product = ReferentialCode.objects.get(system="CIP13", code=box.parent)
    assert product.parent == "M01AE01"  # kept under the ATC substance IR_PHA_R gave
    # the IR_PHA_R products the BDPM's took over are gone, none left empty
    assert not ReferentialCode.objects.filter(source="IR_PHA_R", code__startswith="PROD-").exists()


def test_a_file_in_the_wrong_format_is_refused_with_what_was_expected(
    cast, client, tmp_path, private
):
    cis, cip, compo = demo.write_bdpm(tmp_path / "bdpm")
    client.force_login(cast.data)
    page = client.post(
        "/catalogue/referentiels/importer/", {"source": "IR_PHA_R", "ir_pha_r": _upload(cip)}
    )
    assert page.status_code == 200 and not Job.objects.exists()
    text = page.content.decode()
    assert "PHA_ATC_C07" in text and "avec sa ligne d&#x27;en-tête" in text
    page = client.post(
        "/catalogue/referentiels/importer/",
        {"source": "BDPM", "cis": _upload(cis), "cis_cip": _upload(compo), "compo": _upload(compo)},
    )
    assert "10 attendus" in page.content.decode() and not Job.objects.exists()
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    png.name = "IR_PHA_R.csv"
    page = client.post("/catalogue/referentiels/importer/", {"source": "IR_PHA_R", "ir_pha_r": png})
    assert "pas un fichier texte" in page.content.decode() and not Job.objects.exists()
    assert not list(private.iterdir())  # nothing kept from a refused upload


def test_only_the_data_team_imports(cast, client, tmp_path, private):
    client.force_login(cast.alice)
    assert client.get("/catalogue/referentiels/importer/").status_code == 403
    path = demo.write_ir_pha_r(tmp_path / "IR_PHA_R.csv")
    answer = client.post(
        "/catalogue/referentiels/importer/", {"source": "IR_PHA_R", "ir_pha_r": _upload(path)}
    )
    assert answer.status_code == 403 and not Job.objects.exists()


def test_the_loaded_omop_vocabulary_feeds_the_search(cast, client, tmp_path, private, settings):
    from catalogue.codelists.selectors import codes_search
    from omop.etl.demo_vocabulary import write_demo_bundle
    from omop.vocabulary.services import vocabulary_load

    client.force_login(cast.data)
    page = client.post("/catalogue/referentiels/importer/", {"source": "OMOP"})
    assert "Aucun vocabulaire OMOP" in page.content.decode() and not Job.objects.exists()
    settings.DATA_ROOT = tmp_path / "data"
    vocabulary_load(path=write_demo_bundle(tmp_path / "athena"))
    client.post("/catalogue/referentiels/importer/", {"source": "OMOP"})
    job = Job.objects.get(kind="codelists.referential_import")
    job_run_inline(job=job)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    found = {(h.system, h.code, h.source) for h in codes_search("M54.5")[0]}
    assert ("CIM10", "M545", "OMOP") in found
    assert [(h.system, h.code) for h in codes_search("3002790")[0]] == [("CIP13", "3400930027905")]
    assert ("ATC", "M01") in {(h.system, h.code) for h in codes_search("M01")[0]}
    assert ReferentialCode.objects.get(system="CCAM", code="LFQK002").parent == "CHAP-L"

    # the nomenclature loaded afterwards takes the code over, labels and all
    from catalogue.codelists import services

    services.referentials_load_shipped(by=cast.data)
    assert ReferentialCode.objects.get(system="CIM10", code="M545").source == "snds-nomenclatures"
