"""Dossiers in any state, made through the real services (so history and audit exist)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from access_requests import services
from access_requests.models import Opinion, Route, TeamMember
from portal.roles import Role

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name="protocole.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    return zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
    )


def docx_bytes() -> bytes:
    types = (
        b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    return zip_bytes({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>"})


def second_rapporteur() -> User:
    user, _ = User.objects.get_or_create(
        username="rapporteur2", defaults={"email": "rapporteur2@example.org"}
    )
    user.groups.add(Group.objects.get(name=Role.CESREES.value))
    return user


def make_draft(
    owner, *, title="Parcours de soins après AVC", route=Route.STANDARD, member=None, complete=True
):
    dossier = services.dossier_create(
        by=owner,
        title=title,
        route=route,
        public_summary="Résumé public de l'étude.",
        objectives="Décrire les parcours.",
        public_interest="Améliorer la prise en charge après un AVC.",
        data_controller="AP-HP",
        study_start=date(2018, 1, 1),
        study_end=date(2023, 12, 31),
        duration_months=24,
        interest_declarations="Aucun lien d'intérêts.",
    )
    if member is not None:
        services.team_member_add(
            dossier=dossier, by=owner, user=member, role=TeamMember.Role.MEMBER
        )
    if complete:
        services.requested_data_add(
            dossier=dossier, by=owner, label="DCIR", justification="Soins de ville."
        )
        services.document_add(dossier=dossier, by=owner, kind="protocol", upload=pdf_upload())
        services.document_add(
            dossier=dossier, by=owner, kind="impact_assessment", upload=pdf_upload("aipd.pdf")
        )
    return dossier


# (transition, actor attribute of the cast or "owner"/"rapporteur2", params)
STANDARD_PATH = [
    ("submit", "owner", {}),
    ("start_check", "guichet", {}),
    ("declare_admissible", "guichet", {}),
    ("send_to_cesrees", "guichet", {}),
    ("start_cesrees_review", "guichet", {}),
    ("file_opinion", "cesrees", {"opinion": Opinion.FAVOURABLE}),
    ("go_to_cnil", "owner", {}),
    ("authorise", "guichet", {}),
    ("sign_agreement", "projets", {}),
    ("make_data_available", "projets", {"workspace": "Bulle HDH n° 42"}),
    ("start_project", "projets", {}),
    ("close", "projets", {"results_url": "https://doi.org/10.1000/avc"}),
]


def file_reports(dossier, cast, opinion=Opinion.FAVOURABLE):
    """Each assigned rapporteur files their report (the committee's opinion needs them all)."""
    for assignment in dossier.assignments.select_related("rapporteur"):
        if assignment.report_filed_at is None:
            services.rapporteur_report_file(
                dossier=dossier,
                by=assignment.rapporteur,
                report="Rapport : protocole clair.",
                recommended_opinion=opinion,
            )


def prepare_step(dossier, cast, name: str) -> None:
    """What step ``name`` needs first: two rapporteurs before the CESREES, their reports
    before its opinion."""
    if name == "send_to_cesrees" and dossier.assignments.count() < 2:
        services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
        services.rapporteur_assign(dossier=dossier, rapporteur=second_rapporteur(), by=cast.guichet)
    if name == "file_opinion":
        file_reports(dossier, cast)


def advance(dossier, cast, until: str, *, path=STANDARD_PATH):
    """Walk ``dossier`` along the standard path until its status is ``until``."""
    for name, actor, params in path:
        if dossier.status == until:
            break
        prepare_step(dossier, cast, name)
        by = dossier.owner if actor == "owner" else cast[actor]
        dossier = services.dossier_transition(dossier=dossier, name=name, by=by, **params)
    assert dossier.status == until, f"stopped at {dossier.status}"
    return dossier


def alice_dossier(cast, status: str = "draft", **kwargs):
    """alice's dossier, with bob on the team, in ``status``."""
    dossier = make_draft(cast.alice, member=cast.bob, **kwargs)
    return advance(dossier, cast, status) if status != "draft" else dossier
