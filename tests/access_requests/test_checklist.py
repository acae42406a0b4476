"""What submission requires: the page lists it, "Déposer" waits for it, the service too."""

import pytest

from access_requests import services
from access_requests.models import Route, Status
from access_requests.rules import submission_checklist
from tests.access_requests.factories import make_draft, pdf_upload

pytestmark = pytest.mark.django_db


def _missing(dossier):
    return [item.code for item in submission_checklist(dossier) if not item.done]


def test_an_empty_draft_misses_every_item_and_each_links_where_to_add_it(cast):
    dossier = services.dossier_create(by=cast.alice, title="Brouillon vide")
    items = submission_checklist(dossier)
    assert [i.code for i in items] == [
        "project",
        "period",
        "data",
        "team",
        "protocol",
        "impact_assessment",
    ]
    assert not any(i.done for i in items)
    urls = {i.code: i.url for i in items}
    assert urls["data"] == f"/dossiers/{dossier.reference}/donnees/"
    assert urls["protocol"] == f"/dossiers/{dossier.reference}/documents/ajouter/?kind=protocol"
    assert urls["period"] == f"/dossiers/{dossier.reference}/modifier/#section-methode"


def test_a_simplified_route_does_not_ask_for_the_impact_assessment(cast):
    dossier = make_draft(cast.alice, route=Route.MR004, complete=False)
    assert "impact_assessment" not in [i.code for i in submission_checklist(dossier)]


def test_submit_is_disabled_with_its_reason_until_the_checklist_is_complete(cast, client):
    dossier = make_draft(cast.alice, complete=False)
    services.requested_data_add(dossier=dossier, by=cast.alice, label="DCIR", justification="x")
    assert _missing(dossier) == ["protocol", "impact_assessment"]
    assert not services.may_act(cast.alice, dossier, "submit")
    [(spec, reason)] = services.blocked_transitions(cast.alice, dossier)
    assert spec.name == "submit"
    assert reason == "Complétez la liste avant de déposer (2 élément(s) manquant(s))."
    client.force_login(cast.alice)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert 'data-action="submit"' in page and "disabled" in page and reason in page
    with pytest.raises(services.DossierError, match="analyse d'impact"):
        services.dossier_submit(dossier=dossier, by=cast.alice)

    for kind in ("protocol", "impact_assessment"):
        services.document_add(dossier=dossier, by=cast.alice, kind=kind, upload=pdf_upload())
    assert services.may_act(cast.alice, dossier, "submit")
    assert services.blocked_transitions(cast.alice, dossier) == []
    assert services.dossier_submit(dossier=dossier, by=cast.alice).status == Status.SUBMITTED


def test_the_action_page_of_a_blocked_submit_says_why_and_offers_no_button(cast, client):
    dossier = make_draft(cast.alice, complete=False)
    client.force_login(cast.alice)
    page = client.get(f"/dossiers/{dossier.reference}/etapes/submit/").content.decode()
    assert "Complétez la liste avant de déposer (3 élément(s) manquant(s))." in page
    assert 'data-testid="submit" disabled' in page
