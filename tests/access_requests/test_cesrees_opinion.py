"""The committee's opinion: nothing preselected, reasons for "Réservé" / "Défavorable",
every report first, a confirmation step, and the porteur told what comes next."""

import pytest

from access_requests import services
from access_requests.models import Opinion, Status
from tests.access_requests.factories import alice_dossier, file_reports, second_rapporteur

pytestmark = pytest.mark.django_db


def _url(dossier):
    return f"/dossiers/{dossier.reference}/etapes/file_opinion/"


def test_the_opinion_form_preselects_no_decision(cast, client):
    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    client.force_login(cast.cesrees)
    page = client.get(_url(dossier)).content.decode()
    assert 'type="radio" name="opinion"' in page
    assert "checked" not in page


def test_the_opinion_waits_for_every_rapporteur_report(cast):
    dossier = alice_dossier(cast, "cesrees_review")
    services.rapporteur_report_file(dossier=dossier, by=cast.cesrees, report="Bon protocole.")
    with pytest.raises(services.DossierError, match=r"rapport de chaque rapporteur \(1/2"):
        services.dossier_opinion_file(dossier=dossier, by=cast.cesrees, opinion="favourable")
    [(spec, reason)] = services.blocked_transitions(cast.cesrees, dossier)
    assert spec.name == "file_opinion" and "(1/2 déposés)" in reason
    services.rapporteur_report_file(dossier=dossier, by=second_rapporteur(), report="D'accord.")
    dossier = services.dossier_opinion_file(dossier=dossier, by=cast.cesrees, opinion="favourable")
    assert dossier.status == Status.CESREES_OPINION


def test_the_tacit_opinion_needs_no_report(cast):
    from datetime import timedelta

    from django.utils import timezone

    dossier = alice_dossier(cast, "cesrees_review")
    later = timezone.localdate() + timedelta(days=40)
    assert services.dossiers_apply_tacit_opinions(today=later) == [dossier.reference]


@pytest.mark.parametrize("opinion", [Opinion.RESERVED, Opinion.UNFAVOURABLE])
def test_a_reserved_or_unfavourable_opinion_needs_reasons_and_recommendations(cast, opinion):
    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    with pytest.raises(services.DossierError, match="motifs et ses recommandations"):
        services.dossier_transition(
            dossier=dossier, name="file_opinion", by=cast.cesrees, opinion=opinion, reasons="x"
        )
    dossier = services.dossier_transition(
        dossier=dossier,
        name="file_opinion",
        by=cast.cesrees,
        opinion=opinion,
        reasons="L'appariement n'est pas justifié.",
        recommendations="Limiter l'appariement aux variables nécessaires.",
    )
    assert dossier.cesrees_reasons == "L'appariement n'est pas justifié."


def test_the_page_asks_for_confirmation_before_filing(cast, client):
    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    client.force_login(cast.cesrees)
    missing = client.post(_url(dossier), {"opinion": "unfavourable"})
    page = missing.content.decode()
    assert missing.status_code == 200 and 'data-testid="error-summary"' in page
    assert 'href="#id_reasons"' in page and 'href="#id_recommendations"' in page
    form = {
        "opinion": "unfavourable",
        "reasons": "Finalité d'intérêt public non démontrée.",
        "recommendations": "Préciser le bénéfice attendu pour les patients.",
    }
    confirm = client.post(_url(dossier), form)
    assert 'data-testid="confirm"' in confirm.content.decode()
    assert "Défavorable" in confirm.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.CESREES_REVIEW  # nothing filed before confirming
    done = client.post(_url(dossier), {**form, "confirmed": "1"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.CESREES_OPINION and dossier.cesrees_opinion == "unfavourable"


def test_the_porteur_sees_the_reasons_and_what_each_next_option_means(cast, client):
    dossier = alice_dossier(cast, "cesrees_review")
    file_reports(dossier, cast)
    services.dossier_transition(
        dossier=dossier,
        name="file_opinion",
        by=cast.cesrees,
        opinion=Opinion.RESERVED,
        reasons="Durée de conservation trop longue.",
        recommendations="Ramener la conservation à cinq ans.",
    )
    client.force_login(cast.alice)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Durée de conservation trop longue." in page
    assert "Ramener la conservation à cinq ans." in page
    assert "Poursuivre vers la CNIL" in page and "qui a deux mois" in page
    assert "Corriger le dossier" in page and "repasse par la vérification" in page
    assert "Retirer le dossier" in page and "ne pourra plus être modifié" in page
