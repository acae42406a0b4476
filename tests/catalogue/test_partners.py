"""Partner catalogues (EHDS, TEHDaS): a curator registers a DCAT-AP endpoint or file in
Turtle, RDF/XML or JSON-LD; its datasets are harvested read-only and attributed into the
"partenaires" section, refreshed on a schedule; the search can include or exclude them;
a failed harvest keeps the previous copy and says why. No network: files, or a server on
127.0.0.1 started by the test."""

import http.server
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalogue.harvest import HarvestError, parse_catalogue
from catalogue.models import HarvestedDataset, PartnerCatalogue
from catalogue.services.partners import (
    partner_harvest,
    partner_harvest_start,
    partner_register,
    partners_due,
)
from catalogue.tasks import partners_refresh_due
from portal.jobs import job_run_inline
from portal.messages import message_text
from portal.models import AuditEntry, Job
from tests.pages import page_in

DATA = Path(__file__).parent / "data" / "partners"


def upload(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("finland.ttl", ["Care Register for Health Care", "Reimbursed prescriptions"]),
        ("denmark.rdf", ["National Patient Register"]),
        ("belgium.jsonld", ["Registre belge du cancer"]),  # French first
    ],
)
def test_each_rdf_syntax_reads_into_records(name, titles):
    records = parse_catalogue((DATA / name).read_bytes())
    assert [r.title for r in records] == titles


def test_a_registered_file_is_harvested_read_only_and_attributed(db, cast, client):
    partner = partner_register(
        by=cast.data, name="Findata (Finlande)", upload=upload("finland.ttl")
    )
    partner = partner_harvest(partner=partner, by=cast.data)
    assert partner.dataset_count == 2 and partner.last_error == ""
    care = HarvestedDataset.objects.get(identifier="HILMO")
    assert care.publisher == "THL" and care.keywords == ["hospital", "diagnoses"]
    page = client.get(care.get_absolute_url()).content.decode()
    assert "Findata (Finlande)" in page and "lecture seule" in page
    assert "https://findata.example.org/care-register" in page  # the original page
    listing = client.get("/catalogue/partenaires/").content.decode()
    assert "Care Register for Health Care" in listing and "Reimbursed prescriptions" in listing
    assert AuditEntry.objects.filter(action="catalogue.partner_harvest").exists()


def test_a_file_that_is_not_dcat_is_refused_when_registered(db, cast):
    bad = SimpleUploadedFile("x.ttl", b"@prefix : <http://x/> . :a :b :c .")
    with pytest.raises(ValidationError, match="aucun jeu de données"):
        partner_register(by=cast.data, name="Vide", upload=bad)
    broken = SimpleUploadedFile("x.ttl", b"this is { not turtle")
    with pytest.raises(ValidationError, match="Turtle"):
        partner_register(by=cast.data, name="Cassé", upload=broken)
    assert not PartnerCatalogue.objects.exists()


@pytest.fixture
def server(tmp_path, settings):
    """A static HTTP server on 127.0.0.1 serving tmp_path (the partner's endpoint); the
    portal is told it may read that one private address. ``/moved`` redirects to the
    address in ``tmp_path / "location"``."""
    settings.OUTBOUND_PRIVATE_NETWORKS = ["127.0.0.1/32"]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self):
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", (tmp_path / "location").read_text())
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_an_endpoint_is_harvested_and_a_failure_keeps_the_previous_copy(db, cast, server, client):
    folder, base = server
    (folder / "dcat.rdf").write_bytes((DATA / "denmark.rdf").read_bytes())
    partner = partner_register(by=cast.data, name="Danemark", url=f"{base}/dcat.rdf")
    partner = partner_harvest(partner=partner)
    assert partner.dataset_count == 1
    # the partner's endpoint breaks: the copy stays, and the page says why
    (folder / "dcat.rdf").write_text("<rdf:RDF broken")
    partner = partner_harvest(partner=partner)
    assert "RDF/XML" in message_text(partner.last_error)
    assert partner.dataset_count == 1 and HarvestedDataset.objects.count() == 1
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "National Patient Register" in page
    assert "copie précédente est conservée" in page
    (folder / "dcat.rdf").unlink()
    partner = partner_harvest(partner=partner)
    assert "HTTP 404" in message_text(partner.last_error) and HarvestedDataset.objects.count() == 1
    # back again: the error is cleared
    (folder / "dcat.rdf").write_bytes((DATA / "denmark.rdf").read_bytes())
    assert partner_harvest(partner=partner).last_error == ""


def test_a_failed_harvest_reads_in_the_language_of_the_page(db, cast, server, client):
    folder, base = server
    (folder / "dcat.rdf").write_text("<rdf:RDF broken")
    partner = partner_register(by=cast.data, name="Danemark", url=f"{base}/dcat.rdf")
    job = job_run_inline(job=partner_harvest_start(partner=partner, by=cast.data))
    partner.refresh_from_db()
    assert job.status == Job.Status.FAILED and partner.last_error.startswith(
        "catalogue.harvest_error|"
    )  # a code: the parser's own detail is one of its parameters
    client.force_login(cast.data)

    english = page_in(client, "en", partner.get_absolute_url())
    assert "The document is not readable RDF/XML: " in english
    assert "n'est pas du" not in english
    job_page = page_in(client, "en", job.get_absolute_url())
    assert "The document is not readable RDF/XML: " in job_page
    assert "(previous copy kept)" in job_page and "copie précédente" not in job_page
    french = page_in(client, "fr", partner.get_absolute_url())
    assert "Le document n'est pas du RDF/XML lisible : " in french
    assert "(copie précédente conservée)" in page_in(client, "fr", job.get_absolute_url())


def test_the_beat_task_starts_a_harvest_job_for_due_partners_only(
    db, cast, django_capture_on_commit_callbacks
):
    fresh = partner_register(by=cast.data, name="Frais", upload=upload("finland.ttl"))
    partner_harvest(partner=fresh)
    stale = partner_register(by=cast.data, name="Ancien", upload=upload("belgium.jsonld"))
    partner_harvest(partner=stale)
    PartnerCatalogue.objects.filter(pk=stale.pk).update(
        last_harvest_at=timezone.now() - timedelta(hours=25)
    )
    assert [p.name for p in partners_due()] == ["Ancien"]
    with django_capture_on_commit_callbacks(execute=False):
        assert partners_refresh_due() == 1
    job = Job.objects.get(kind="catalogue.partner_harvest")
    assert job.task_kwargs == {"partner_id": stale.pk}


def test_the_search_includes_or_excludes_partners(db, cast, client):
    from tests.catalogue.factories import TableFactory

    TableFactory(name="T_MCOaaC", title="Séjours hospitaliers (hospital stays)")
    partner = partner_register(by=cast.data, name="Findata", upload=upload("finland.ttl"))
    partner_harvest(partner=partner)
    excluded = client.get("/catalogue/recherche/?q=hospital").content.decode()
    assert "Care Register for Health Care" not in excluded
    assert 'data-testid="include-partners"' in excluded
    included = client.get("/catalogue/recherche/?q=hospital&partenaires=1").content.decode()
    assert "Care Register for Health Care" in included
    assert "Reimbursed prescriptions" not in included  # does not match
    assert 'data-testid="exclude-partners"' in included


def test_only_data_registers_and_harvests(db, cast, client):
    client.force_login(cast.alice)
    assert client.get("/catalogue/gestion/partenaires/").status_code == 403
    client.force_login(cast.data)
    response = client.post(
        "/catalogue/gestion/partenaires/",
        {
            "name": "Belgique",
            "format": "auto",
            "refresh_hours": 24,
            "upload": upload("belgium.jsonld"),
        },
    )
    assert response.status_code == 302
    partner = PartnerCatalogue.objects.get()
    assert Job.objects.filter(kind="catalogue.partner_harvest").count() == 1
    client.force_login(cast.charlie)
    assert client.post(f"/catalogue/gestion/partenaires/{partner.pk}/collecter/").status_code == 403


def test_a_harvest_error_has_a_code():
    with pytest.raises(HarvestError) as info:
        parse_catalogue(b"   ")
    assert info.value.code == "empty"


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_refresh_harvests_through_a_real_worker(celery_worker, cast):
    from tests.conftest import wait_for

    partner = partner_register(by=cast.data, name="Danemark", upload=upload("denmark.rdf"))
    assert partners_refresh_due() == 1  # what beat calls every 15 minutes
    job = Job.objects.get(kind="catalogue.partner_harvest")

    def done():
        job.refresh_from_db()
        return job.is_finished

    wait_for(done, timeout=120, message="the harvest job did not finish")
    assert job.status == "succeeded", job.error
    partner.refresh_from_db()
    assert partner.dataset_count == 1 and partner.last_success_at is not None
    assert partners_refresh_due() == 0  # not due again before its period


def test_an_admin_pauses_a_partner_and_it_leaves_the_schedule_and_the_search(db, cast, client):
    partner = partner_register(by=cast.data, name="Findata", upload=upload("finland.ttl"))
    partner_harvest(partner=partner)
    client.force_login(cast.admin)
    response = client.post(
        f"/admin/catalogue/partnercatalogue/{partner.pk}/change/",
        {"name": "Findata", "homepage": "", "format": "auto", "refresh_hours": 24},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.active is False
    assert AuditEntry.objects.filter(action="catalogue.partner_change").exists()
    assert partners_due(timezone.now() + timedelta(days=2)) == []
    page = client.get("/catalogue/recherche/?q=hospital&partenaires=1").content.decode()
    assert "Care Register for Health Care" not in page
    assert client.get(partner.get_absolute_url()).status_code == 404


def test_an_address_on_the_servers_own_network_is_refused(db, cast):
    for url in (
        "http://127.0.0.1:8000/admin/",
        "http://localhost/",
        "http://10.1.2.3/x.ttl",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
    ):
        with pytest.raises(ValidationError, match="non publique"):
            partner_register(by=cast.data, name="Interne", url=url)
    assert not PartnerCatalogue.objects.exists()


def test_a_redirect_to_a_private_address_is_not_followed(db, cast, server):
    folder, base = server
    (folder / "dcat.rdf").write_bytes((DATA / "denmark.rdf").read_bytes())
    # 127.0.0.2 is loopback too, but outside the one network the portal may read
    port = base.rsplit(":", 1)[1]
    (folder / "location").write_text(f"http://127.0.0.2:{port}/dcat.rdf")
    partner = partner_harvest(
        partner=partner_register(by=cast.data, name="Redirigé", url=f"{base}/moved")
    )
    assert (
        "non publique (127.0.0.2)" in message_text(partner.last_error)
        and partner.dataset_count == 0
    )
    (folder / "location").write_text(f"{base}/dcat.rdf")  # an allowed hop is followed
    assert partner_harvest(partner=partner).dataset_count == 1
