import pytest
from django.contrib.auth.models import AnonymousUser, Group

from portal.roles import CAPABILITIES, ROLES, Role, can, has_role, is_staff_member


@pytest.mark.django_db
def test_the_migration_creates_one_group_per_declared_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in ROLES}


@pytest.mark.django_db
def test_each_role_holds_only_its_own_capabilities(cast):
    assert can(cast.data, "omop.run")
    assert can(cast.data, "catalogue.curate")
    assert not can(cast.alice, "omop.run")
    assert can(cast.alice, "dossier.create")
    assert can(cast.guichet, "dossier.instruct")
    assert not can(cast.guichet, "catalogue.curate")
    assert can(cast.cesrees, "dossier.review")
    assert not can(cast.cesrees, "dossier.instruct")
    assert can(cast.projets, "dossier.follow")


@pytest.mark.django_db
def test_superusers_hold_every_capability_and_anonymous_none(cast):
    for capability in CAPABILITIES:
        assert can(cast.admin, capability)
        assert not can(AnonymousUser(), capability)
    assert has_role(cast.admin, Role.GUICHET)


def test_an_undeclared_capability_is_a_programming_error():
    with pytest.raises(KeyError, match="declare it in portal/roles.py"):
        can(AnonymousUser(), "catalogue.delete_everything")


@pytest.mark.django_db
def test_staff_roles_are_staff_and_external_ones_are_not(cast):
    assert is_staff_member(cast.data) and is_staff_member(cast.guichet)
    assert not is_staff_member(cast.alice) and not is_staff_member(cast.cesrees)
