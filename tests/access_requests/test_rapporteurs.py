"""CESREES rapporteurs: two per dossier, a workload warning, reports kept internal."""

import pytest
from django.contrib.auth.models import Group

from access_requests import services
from access_requests.models import Status
from tests.access_requests.factories import alice_dossier, file_reports, second_rapporteur

pytestmark = pytest.mark.django_db


def test_two_rapporteurs_at_most(cast, django_user_model):
    dossier = alice_dossier(cast, "admissible")
    services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
    services.rapporteur_assign(dossier=dossier, rapporteur=second_rapporteur(), by=cast.guichet)
    third = django_user_model.objects.create_user("third")
    third.groups.add(Group.objects.get(name="cesrees"))
    with pytest.raises(services.DossierError, match="Deux rapporteurs"):
        services.rapporteur_assign(dossier=dossier, rapporteur=third, by=cast.guichet)


def test_only_the_guichet_assigns_and_only_cesrees_members(cast):
    dossier = alice_dossier(cast, "admissible")
    with pytest.raises(services.ActionForbidden):
        services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.alice)
    with pytest.raises(services.DossierError, match="rapporteur"):
        services.rapporteur_assign(dossier=dossier, rapporteur=cast.charlie, by=cast.guichet)


def test_the_guichet_is_warned_past_the_monthly_workload(cast, settings, client):
    settings.ACCESS_RAPPORTEUR_MONTHLY_LIMIT = 2
    warnings = []
    for i in range(3):
        dossier = alice_dossier(cast, "admissible", title=f"Dossier {i}")
        _assignment, warning = services.rapporteur_assign(
            dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet
        )
        warnings.append(warning)
    assert warnings[:2] == ["", ""]
    assert "3 dossiers ce mois-ci" in warnings[2] and "limite conseillée : 2" in warnings[2]
    client.force_login(cast.guichet)
    page = client.get("/dossiers/tableau-de-bord/").content.decode()
    assert "au-delà de la limite" in page


def test_the_assignment_page_shows_the_warning(cast, settings, client):
    settings.ACCESS_RAPPORTEUR_MONTHLY_LIMIT = 0
    dossier = alice_dossier(cast, "admissible")
    client.force_login(cast.guichet)
    response = client.post(
        f"/dossiers/{dossier.reference}/rapporteurs/", {"rapporteur": cast.cesrees.pk}, follow=True
    )
    assert "limite conseillée" in response.content.decode()
    assert dossier.assignments.count() == 1


def test_a_rapporteur_sees_only_assigned_dossiers_and_their_report_stays_internal(cast, client):
    assigned = alice_dossier(cast, "cesrees_review", title="Attribué")
    other = alice_dossier(cast, "admissible", title="Non attribué")
    services.rapporteur_report_file(
        dossier=assigned,
        by=cast.cesrees,
        report="Rapport confidentiel : méthode solide",
        recommended_opinion="favourable",
    )
    client.force_login(cast.cesrees)
    assert client.get(assigned.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    client.force_login(cast.guichet)
    assert "Rapport confidentiel" in client.get(assigned.get_absolute_url()).content.decode()
    for user in (cast.alice, cast.bob):
        client.force_login(user)
        assert (
            "Rapport confidentiel" not in client.get(assigned.get_absolute_url()).content.decode()
        )
        api = client.get(f"/api/dossiers/dossiers/{assigned.reference}/").content.decode()
        assert "Rapport confidentiel" not in api


def test_the_assigned_rapporteur_files_the_opinion_through_the_page(cast, client):
    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    client.force_login(cast.cesrees)
    response = client.post(
        f"/dossiers/{dossier.reference}/etapes/file_opinion/",
        {
            "opinion": "reserved",
            "reasons": "Appariement insuffisamment décrit.",
            "recommendations": "Décrire l'appariement.",
            "comment": "Réserves sur l'appariement.",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.CESREES_OPINION and dossier.cesrees_opinion == "reserved"
