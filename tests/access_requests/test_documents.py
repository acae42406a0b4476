"""Documents: type from the content, 20 MB at most, versions per type."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access_requests.documents import DOCX, ODT, PDF, sniff_document
from access_requests.services import DossierError, document_add
from tests.access_requests.factories import PDF as PDF_BYTES
from tests.access_requests.factories import alice_dossier, docx_bytes, odt_bytes, zip_bytes
from tests.portal.zipbombs import odt_bomb, peak_mib

# The first bytes of a Windows executable (MZ header and PE stub message).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + (b"\x80\x00\x00\x00This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200)
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, PDF),
        (odt_bytes(), ODT),
        (docx_bytes(), DOCX),
        (EXE, None),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, None),
        (zip_bytes({"evil.sh": b"rm -rf /"}), None),
        (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), None),
        (b"plain text pretending", None),
    ],
)
def test_the_type_comes_from_the_content(data, expected):
    assert sniff_document(io.BytesIO(data)) == expected


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_as_a_pdf(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    upload = SimpleUploadedFile("protocole.pdf", EXE, content_type="application/pdf")
    response = client.post(
        f"/dossiers/{dossier.reference}/documents/ajouter/", {"kind": "protocol", "file": upload}
    )
    assert response.status_code == 409
    assert "PDF, un ODT ou un DOCX" in response.content.decode()
    assert dossier.documents.count() == 2  # only the factory's protocol and AIPD


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_with_the_limit(cast, settings):
    settings.ACCESS_DOCUMENT_MAX_BYTES = 1024
    dossier = alice_dossier(cast)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048)
    with pytest.raises(DossierError, match="dépasse"):
        document_add(dossier=dossier, by=cast.alice, kind="cv", upload=big)


@pytest.mark.django_db
def test_uploads_are_versioned_per_type_and_named_after_their_content(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.bob)
    upload = SimpleUploadedFile("protocole-v2.pdf", docx_bytes())  # a DOCX named .pdf
    response = client.post(
        f"/dossiers/{dossier.reference}/documents/ajouter/", {"kind": "protocol", "file": upload}
    )
    assert response.status_code == 302
    latest = dossier.documents.filter(kind="protocol").order_by("-version").first()
    assert latest.version == 2
    assert latest.content_type == DOCX
    assert latest.original_name == "protocole-v2.docx"
    download = client.get(latest.get_absolute_url())
    assert 'filename="protocole-v2.docx"' in download["Content-Disposition"]


@pytest.mark.django_db
def test_the_api_upload_checks_the_content_too(cast, client):
    dossier = alice_dossier(cast)
    client.force_login(cast.alice)
    url = f"/api/dossiers/dossiers/{dossier.reference}/documents/"
    bad = client.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", EXE)})
    assert bad.status_code == 409
    good = client.post(url, {"kind": "cv", "file": SimpleUploadedFile("cv.odt", odt_bytes())})
    assert good.status_code == 201
    assert good.json()["content_type"] == ODT


@pytest.mark.parametrize("lie", [False, True], ids=["declared", "header-lies"])
def test_a_1_mb_odt_whose_mimetype_inflates_to_1_gib_is_refused_without_the_memory_growing(lie):
    data = odt_bomb(lie=lie)
    assert len(data) < 1_100_000
    result = {}
    peak = peak_mib(lambda: result.update(kind=sniff_document(io.BytesIO(data))))
    assert result["kind"] is None
    assert peak < 8, f"{peak:.0f} MiB allocated to sniff a 1 MB upload"


@pytest.mark.django_db
def test_a_porteur_uploading_the_odt_bomb_gets_a_refusal(cast, client):
    dossier = alice_dossier(cast)
    before = dossier.documents.count()
    client.force_login(cast.alice)
    upload = SimpleUploadedFile("protocole.odt", odt_bomb(), content_type=ODT)
    response = client.post(
        f"/dossiers/{dossier.reference}/documents/ajouter/", {"kind": "protocol", "file": upload}
    )
    assert response.status_code == 409
    assert dossier.documents.count() == before
