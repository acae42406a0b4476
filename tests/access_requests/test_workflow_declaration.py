"""The procedure is declared once (services/workflow.py); the django-fsm transitions that guard
the status field underneath are made from it and refuse what the declaration refuses."""

from collections import defaultdict

import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from access_requests.models import Dossier
from access_requests.services import workflow
from access_requests.services.errors import DossierError
from access_requests.services.transitions import dossier_transition, may_act
from portal.audit_actions import AuditAction

from .factories import alice_dossier


def _fsm_steps() -> dict[str, tuple[set, str]]:
    steps: dict[str, tuple[set, str]] = defaultdict(lambda: (set(), ""))
    for t in Dossier().get_all_status_transitions():
        sources, _ = steps[t.name]
        steps[t.name] = (sources | {t.source}, t.target)
    return dict(steps)


def test_each_declared_step_is_the_fsm_transition_of_the_same_name():
    fsm = _fsm_steps()
    declared = {t.name: (set(t.sources), t.target) for t in workflow.WORKFLOW}
    assert declared == fsm


def test_each_step_has_its_audit_action_and_a_label():
    actions = {a.value for a in AuditAction}
    for step in workflow.WORKFLOW:
        assert f"dossier.{step.name}" in actions
        assert str(step.label)
        assert not step.destructive or (step.confirm and str(step.consequence))


@pytest.mark.django_db
def test_a_route_condition_refuses_with_its_declared_message(cast):
    dossier = alice_dossier(cast, "completeness_check")
    assert not may_act(cast.guichet, dossier, "register")
    with pytest.raises(DossierError, match="Seules les procédures simplifiées"):
        dossier_transition(dossier=dossier, name="register", by=cast.guichet)


@pytest.mark.django_db
def test_the_status_guard_refuses_a_step_outside_its_sources_or_route(cast):
    """Code that calls the model's transition directly, past the services, meets the same
    sources and route conditions."""
    dossier = alice_dossier(cast, "completeness_check")
    assert can_proceed(dossier.declare_admissible) and not can_proceed(dossier.register)
    with pytest.raises(TransitionNotAllowed):
        dossier.register()
    with pytest.raises(TransitionNotAllowed):
        dossier.close()
    dossier.declare_admissible()
    assert dossier.status == "admissible"
    # two rapporteurs before the CESREES: a wait the services refuse with, guarded too
    assert not can_proceed(dossier.send_to_cesrees)
