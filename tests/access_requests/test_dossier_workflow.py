"""The procedure from submission to closing, with the real roles."""

from datetime import date

import pytest

from access_requests import services
from access_requests.models import Dossier, HistoryEntry, Opinion, Route, Status
from portal.models import AuditEntry
from tests.access_requests.factories import (
    STANDARD_PATH,
    alice_dossier,
    make_draft,
    pdf_upload,
    prepare_step,
)

pytestmark = pytest.mark.django_db


def test_the_full_path_goes_through_every_state_with_the_real_roles(
    cast, django_capture_on_commit_callbacks
):
    dossier = alice_dossier(cast)
    seen = [dossier.status]
    for name, actor, params in STANDARD_PATH:
        prepare_step(dossier, cast, name)
        by = cast.alice if actor == "owner" else cast[actor]
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_transition(
                dossier=dossier, name=name, by=by, comment=f"étape {name}", **params
            )
        seen.append(dossier.status)
    assert seen == [
        "draft",
        "submitted",
        "completeness_check",
        "admissible",
        "sent_to_cesrees",
        "cesrees_review",
        "cesrees_opinion",
        "cnil_review",
        "authorised",
        "agreement_signed",
        "data_available",
        "in_progress",
        "closed",
    ]
    assert dossier.history.count() == len(STANDARD_PATH)
    assert list(dossier.history.values_list("comment", flat=True))[0] == "étape submit"
    actions = set(
        AuditEntry.objects.filter(target_id=str(dossier.pk)).values_list("action", flat=True)
    )
    assert {f"dossier.{name}" for name, _a, _p in STANDARD_PATH} <= actions
    assert dossier.submitted_on and dossier.cesrees_opinion_on and dossier.cnil_decision_on
    assert dossier.closed_on


def test_state_cannot_be_set_directly(cast):
    dossier = alice_dossier(cast)
    with pytest.raises(AttributeError):
        dossier.status = Status.AUTHORISED


def test_submission_of_an_incomplete_dossier_says_what_is_missing(cast):
    dossier = make_draft(cast.alice, complete=False)
    with pytest.raises(services.DossierError, match="protocole"):
        services.dossier_submit(dossier=dossier, by=cast.alice)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    assert not HistoryEntry.objects.filter(dossier=dossier).exists()


# Every transition and which cast members may make it (from the state that allows it).
ALLOWED = {
    "submit": {"alice", "admin"},
    "start_check": {"guichet", "admin"},
    "request_complements": {"guichet", "admin"},
    "declare_admissible": {"guichet", "admin"},
    "send_to_cesrees": {"guichet", "admin"},
    "start_cesrees_review": {"guichet", "admin"},
    "file_opinion": {"cesrees", "admin"},
    "go_to_cnil": {"alice", "admin"},
    "correct": {"alice", "admin"},
    "authorise": {"guichet", "admin"},
    "refuse": {"guichet", "admin"},
    "sign_agreement": {"projets", "admin"},
    "make_data_available": {"projets", "admin"},
    "start_project": {"projets", "admin"},
    "close": {"projets", "admin"},
    "withdraw": {"alice", "admin"},
    "redirect": {"guichet", "admin"},
}
SOURCE = {
    "submit": "draft",
    "start_check": "submitted",
    "request_complements": "completeness_check",
    "declare_admissible": "completeness_check",
    "send_to_cesrees": "admissible",
    "start_cesrees_review": "sent_to_cesrees",
    "file_opinion": "cesrees_review",
    "go_to_cnil": "cesrees_opinion",
    "correct": "cesrees_opinion",
    "authorise": "cnil_review",
    "refuse": "cnil_review",
    "sign_agreement": "authorised",
    "make_data_available": "agreement_signed",
    "start_project": "data_available",
    "close": "in_progress",
    "withdraw": "submitted",
    "redirect": "completeness_check",
}
PARAMS = {
    "request_complements": {"items": "CV"},
    "file_opinion": {"opinion": "favourable"},
    "redirect": {"route": "mr004"},
    "make_data_available": {"workspace": "Bulle HDH n° 42"},
    "close": {"results_url": "https://doi.org/10.1000/avc"},
}
EVERYONE = ["alice", "bob", "charlie", "data", "guichet", "cesrees", "projets"]


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_transition_is_refused_to_every_other_role(cast, name):
    dossier = alice_dossier(cast, SOURCE[name])
    prepare_step(dossier, cast, name)
    for actor in EVERYONE:
        if actor in ALLOWED[name]:
            continue
        with pytest.raises(services.ActionForbidden):
            services.dossier_transition(
                dossier=dossier, name=name, by=cast[actor], **PARAMS.get(name, {})
            )
    dossier.refresh_from_db()
    assert dossier.status == SOURCE[name]
    allowed = sorted(ALLOWED[name] - {"admin"})[0]
    moved = services.dossier_transition(
        dossier=dossier, name=name, by=cast[allowed], **PARAMS.get(name, {})
    )
    assert moved.status != SOURCE[name]


def test_a_transition_from_the_wrong_state_is_refused_with_the_current_state(cast):
    dossier = alice_dossier(cast)
    with pytest.raises(services.DossierError, match="Brouillon"):
        services.dossier_transition(dossier=dossier, name="authorise", by=cast.guichet)


def test_the_cesrees_needs_two_rapporteurs(cast):
    dossier = alice_dossier(cast, "admissible")
    services.rapporteur_assign(dossier=dossier, rapporteur=cast.cesrees, by=cast.guichet)
    with pytest.raises(services.DossierError, match=r"Désignez 2 rapporteurs \(1/2\)"):
        services.dossier_transition(dossier=dossier, name="send_to_cesrees", by=cast.guichet)


def test_a_rapporteur_not_assigned_cannot_file_the_opinion(cast, django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("other_rapporteur")
    other.groups.add(Group.objects.get(name="cesrees"))
    dossier = alice_dossier(cast, "cesrees_review")
    with pytest.raises(services.ActionForbidden):
        services.dossier_opinion_file(dossier=dossier, by=other, opinion=Opinion.FAVOURABLE)


def test_complements_stop_the_clock_and_the_answer_restarts_it(cast):
    dossier = alice_dossier(cast, "completeness_check")
    dossier = services.dossier_complements_request(
        dossier=dossier, by=cast.guichet, items="- Protocole signé\n- CV du porteur"
    )
    assert dossier.status == Status.COMPLEMENTS_REQUESTED and dossier.due_on is None
    assert dossier.complements.get().item_list == ["Protocole signé", "CV du porteur"]
    dossier = services.dossier_complements_answer(dossier=dossier, by=cast.alice, answer="Ajoutés.")
    assert dossier.status == Status.COMPLETENESS_CHECK and dossier.due_on is not None
    assert dossier.complements.get().answer == "Ajoutés."


def test_bob_a_plain_member_cannot_submit_but_a_co_leader_can(cast):
    from access_requests.models import TeamMember

    dossier = alice_dossier(cast)
    with pytest.raises(services.ActionForbidden):
        services.dossier_submit(dossier=dossier, by=cast.bob)
    TeamMember.objects.filter(dossier=dossier, user=cast.bob).update(role=TeamMember.Role.CO_LEADER)
    assert services.dossier_submit(dossier=dossier, by=cast.bob).status == Status.SUBMITTED


def test_a_reference_methodology_is_registered_without_cesrees_nor_cnil(cast):
    dossier = make_draft(cast.alice, route=Route.MR004)
    services.dossier_submit(dossier=dossier, by=cast.alice)
    services.dossier_transition(dossier=dossier, name="start_check", by=cast.guichet)
    with pytest.raises(services.DossierError, match="simplifiée"):
        services.dossier_transition(dossier=dossier, name="declare_admissible", by=cast.guichet)
    dossier = services.dossier_transition(dossier=dossier, name="register", by=cast.guichet)
    assert dossier.status == Status.REGISTERED
    dossier = services.dossier_transition(dossier=dossier, name="sign_agreement", by=cast.projets)
    assert dossier.status == Status.AGREEMENT_SIGNED


def test_a_standard_dossier_cannot_take_the_simplified_registration(cast):
    dossier = alice_dossier(cast, "completeness_check")
    with pytest.raises(services.DossierError):
        services.dossier_transition(dossier=dossier, name="register", by=cast.guichet)


def test_after_the_opinion_the_porteur_may_correct_and_resubmit(cast):
    dossier = alice_dossier(cast, "cesrees_opinion")
    dossier = services.dossier_transition(dossier=dossier, name="correct", by=cast.alice)
    assert dossier.status == Status.IN_CORRECTION
    first_submission = dossier.submitted_on
    dossier = services.dossier_submit(dossier=dossier, by=cast.alice)
    assert dossier.status == Status.SUBMITTED and dossier.submitted_on == first_submission


def test_withdrawal_and_redirection_close_open_dossiers(cast):
    withdrawn = services.dossier_withdraw(dossier=alice_dossier(cast, "cnil_review"), by=cast.alice)
    assert withdrawn.status == Status.WITHDRAWN and withdrawn.closed_on
    redirected = services.dossier_transition(
        dossier=alice_dossier(cast, "admissible", title="Autre"),
        name="redirect",
        by=cast.guichet,
        route=Route.EGB,
    )
    assert redirected.status == Status.REDIRECTED and redirected.redirected_to == Route.EGB
    with pytest.raises(services.DossierError):
        services.dossier_withdraw(dossier=redirected, by=cast.alice)


def test_the_cnil_deadline_is_renewable_once(cast):
    dossier = alice_dossier(cast, "cnil_review")
    due = dossier.due_on
    dossier = services.cnil_deadline_renew(dossier=dossier, by=cast.guichet)
    assert dossier.due_on > due
    with pytest.raises(services.DossierError, match="qu'une fois"):
        services.cnil_deadline_renew(dossier=dossier, by=cast.guichet)


def test_each_transition_emails_the_people_concerned_after_commit(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = alice_dossier(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.dossier_submit(dossier=dossier, by=cast.alice)
    assert mailoutbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].recipients()[-1:] == ["guichet@example.org"]
    assert dossier.reference in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_transition(dossier=dossier, name="start_check", by=cast.guichet)
    assert {"alice@example.org", "bob@example.org"} <= set(mailoutbox[1].recipients())
    assert "guichet@example.org" not in mailoutbox[1].bcc


def test_a_refused_transition_leaves_no_trace(cast, mailoutbox, django_capture_on_commit_callbacks):
    dossier = alice_dossier(cast, "submitted")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ActionForbidden):
        services.dossier_transition(dossier=dossier, name="start_check", by=cast.charlie)
    assert mailoutbox == []
    assert not AuditEntry.objects.filter(action="dossier.start_check").exists()


def test_references_follow_the_year(cast):
    first = make_draft(cast.alice, complete=False)
    second = make_draft(cast.charlie, complete=False)
    year = date.today().year
    assert first.reference == f"HDH-{year}-0001"
    assert second.reference == f"HDH-{year}-0002"
    assert Dossier.objects.count() == 2


def test_a_redirected_dossier_goes_on_as_a_new_draft_on_the_simplified_route(cast, client):
    """The guichet redirects to MR-004: the porteur finds a new draft on that route, with the
    content, team and requested data of the old one, linked both ways on the pages."""
    old = alice_dossier(cast, "completeness_check", title="Suivi des AVC")
    redirected = services.dossier_transition(
        dossier=old, name="redirect", by=cast.guichet, route=Route.MR004
    )
    new = Dossier.objects.get(redirected_from=redirected)
    assert new.reference != old.reference
    assert (new.status, new.route, new.owner) == (Status.DRAFT, Route.MR004, cast.alice)
    assert (new.title, new.objectives) == ("Suivi des AVC", old.objectives)
    assert [m.user for m in new.team.all()] == [cast.bob]
    assert [d.justification for d in new.requested_data.all()] == ["Soins de ville."]
    assert not new.documents.exists()
    assert redirected.history.last().transition == "redirect"

    client.force_login(cast.alice)
    page = client.get(redirected.get_absolute_url()).content.decode()
    assert f'data-testid="successor">{new.reference}<' in page
    page = client.get(new.get_absolute_url()).content.decode()
    assert f'data-testid="predecessor">{old.reference}<' in page
    # the new dossier follows the simplified route once its documents are attached:
    # registered in the directory, no CESREES or CNIL step
    with pytest.raises(services.DossierError, match="protocole"):
        services.dossier_submit(dossier=new, by=cast.alice)
    services.document_add(dossier=new, by=cast.alice, kind="protocol", upload=pdf_upload())
    services.dossier_submit(dossier=new, by=cast.alice)
    services.dossier_transition(dossier=new, name="start_check", by=cast.guichet)
    new = services.dossier_transition(dossier=new, name="register", by=cast.guichet)
    assert new.status == Status.REGISTERED
    client.force_login(cast.charlie)
    assert client.get(new.get_absolute_url()).status_code == 404
