"""Demo dossiers in several states, owned by alice and charlie (idempotent)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.roles import Role

from .models import ConflictOfInterest, Dossier, Opinion, Route, TeamMember
from .services.documents import document_add
from .services.dossiers import dossier_create
from .services.messages import message_post
from .services.rapporteurs import rapporteur_assign, rapporteur_report_file
from .services.requested_data import requested_data_add
from .services.team import team_member_add
from .services.transitions import dossier_transition

# A minimal valid PDF, so that the demo needs no file from outside the project.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

STANDARD_PATH = [
    ("submit", "alice", {}),
    ("start_check", "guichet", {}),
    ("declare_admissible", "guichet", {}),
    ("assign", "guichet", {}),
    ("send_to_cesrees", "guichet", {}),
    ("start_cesrees_review", "guichet", {}),
    ("reports", "cesrees", {}),
    ("file_opinion", "cesrees", {"opinion": Opinion.FAVOURABLE_WITH_RECOMMENDATIONS}),
    ("go_to_cnil", "owner", {}),
    ("authorise", "guichet", {}),
    ("sign_agreement", "projets", {}),
    ("make_data_available", "projets", {"workspace": "Bulle sécurisée HDH — projet 42"}),
    ("start_project", "projets", {}),
]

DEMO = [
    # owner, title, route, how many steps of its path, team
    ("alice", "Parcours de soins après un accident vasculaire cérébral", Route.STANDARD, 13, "bob"),
    (
        "alice",
        "Effets indésirables des antidiabétiques de nouvelle génération",
        Route.STANDARD,
        -1,
        "bob",
    ),
    ("alice", "Recours aux urgences des enfants asthmatiques", Route.STANDARD, 0, None),
    ("charlie", "Couverture vaccinale antigrippale des plus de 65 ans", Route.STANDARD, 7, None),
    ("charlie", "Suivi des dispositifs médicaux implantables (MR-004)", Route.MR004, -2, None),
    ("charlie", "Consommation d'antibiotiques en ville", Route.STANDARD, 1, None),
]


def _second_rapporteur():
    user, created = get_user_model().objects.get_or_create(
        username="rapporteur2",
        defaults={
            "first_name": "Rémi",
            "last_name": "Rapporteur",
            "email": "rapporteur2@demo.health-data-hub.fr",
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=Role.CESREES.value))
    ConflictOfInterest.objects.get_or_create(
        rapporteur=user,
        organisation="Assistance Publique – Hôpitaux de Paris",
        defaults={"details": "Praticien hospitalier jusqu'en 2023."},
    )
    return user


def seed(*, users: dict, stdout) -> None:
    rapporteur2 = _second_rapporteur()
    created = 0
    for owner_name, title, route, steps, member in DEMO:
        owner = users[owner_name]
        if Dossier.objects.filter(owner=owner, title=title).exists():
            continue
        dossier = dossier_create(
            by=owner,
            title=title,
            route=route,
            data_controller="Assistance Publique – Hôpitaux de Paris",
            public_summary=f"Étude observationnelle : {title.lower()}.",
            objectives="Décrire et comparer les parcours à partir des données du SNDS.",
            methods="Cohorte rétrospective, appariement sur score de propension.",
            public_interest="Améliorer la prise en charge et l'organisation des soins.",
            population="Bénéficiaires de l'assurance maladie, 2015–2024.",
            duration_months=24,
            study_start=date(2015, 1, 1),
            study_end=date(2024, 12, 31),
            interest_declarations="Aucun lien d'intérêts déclaré par l'équipe.",
        )
        if member:
            team_member_add(
                dossier=dossier, by=owner, user=users[member], role=TeamMember.Role.MEMBER
            )
        requested_data_add(
            dossier=dossier,
            by=owner,
            label="DCIR — consommations de soins de ville",
            justification="Identifier les soins de ville des patients de la cohorte.",
        )
        for kind in ("protocol", "impact_assessment"):
            document_add(
                dossier=dossier,
                by=owner,
                kind=kind,
                upload=SimpleUploadedFile(f"{kind}.pdf", DEMO_PDF, content_type="application/pdf"),
            )
        if steps == -1:  # complements requested
            path = [
                ("submit", "owner", {}),
                ("start_check", "guichet", {}),
                (
                    "request_complements",
                    "guichet",
                    {"items": "Protocole signé\nAnalyse d'impact (AIPD)"},
                ),
            ]
        elif steps == -2:  # simplified route: registered, no CESREES / CNIL
            path = [
                ("submit", "owner", {}),
                ("start_check", "guichet", {}),
                ("register", "guichet", {}),
            ]
        else:
            path = STANDARD_PATH[:steps]
        for name, actor, params in path:
            by = owner if actor in ("owner", "alice") else users[actor]
            if name == "assign":
                rapporteur_assign(dossier=dossier, rapporteur=users["cesrees"], by=by)
                rapporteur_assign(dossier=dossier, rapporteur=rapporteur2, by=by)
                continue
            if name == "reports":
                for rapporteur in (users["cesrees"], rapporteur2):
                    rapporteur_report_file(
                        dossier=dossier,
                        by=rapporteur,
                        report="Protocole solide ; préciser la durée de conservation.",
                        recommended_opinion=Opinion.FAVOURABLE_WITH_RECOMMENDATIONS,
                    )
                continue
            dossier = dossier_transition(dossier=dossier, name=name, by=by, **params)
        if steps == -1:  # a question waits, unread, for the porteur
            message_post(
                dossier=dossier,
                by=users["guichet"],
                body="Pouvez-vous préciser la durée de conservation des données ?",
            )
        created += 1
    stdout.write(f"Dossiers : {created} créé(s), {Dossier.objects.count()} au total.")
