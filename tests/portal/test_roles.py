import pytest
from django.contrib.auth.models import AnonymousUser, Group

from portal.roles import (
    CAPABILITIES,
    ROLES,
    Capability,
    Role,
    can,
    has_role,
    holders_of,
    is_staff_member,
    user_roles,
)


@pytest.mark.django_db
def test_the_migration_creates_one_group_per_declared_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in ROLES}


@pytest.mark.django_db
def test_each_role_holds_only_its_own_capabilities(cast):
    assert can(cast.data, Capability.OMOP_RUN)
    assert can(cast.data, Capability.CATALOGUE_CURATE)
    assert not can(cast.alice, Capability.OMOP_RUN)
    assert can(cast.alice, Capability.DOSSIER_CREATE)
    assert can(cast.guichet, Capability.DOSSIER_INSTRUCT)
    assert not can(cast.guichet, Capability.CATALOGUE_CURATE)
    assert can(cast.cesrees, Capability.DOSSIER_REVIEW)
    assert not can(cast.cesrees, Capability.DOSSIER_INSTRUCT)
    assert can(cast.projets, Capability.DOSSIER_FOLLOW)


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


def test_each_capability_is_held_by_the_roles_that_declare_it():
    assert CAPABILITIES[Capability.DOSSIER_INSTRUCT] == {Role.GUICHET}
    assert CAPABILITIES[Capability.DOSSIER_REVIEW] == {Role.CESREES}
    assert CAPABILITIES[Capability.AUDIT_VIEW] == frozenset()  # admins only
    assert set(CAPABILITIES) == set(Capability)


@pytest.mark.django_db
def test_a_known_capability_spelled_as_text_still_answers(cast):
    # Jobs store their capability as text.
    assert can(cast.data, "omop.run") and not can(cast.alice, "omop.run")


@pytest.mark.django_db
def test_notifications_go_to_the_active_holders_of_a_capability(cast):
    cast.projets.is_active = False
    cast.projets.save()
    assert list(holders_of(Capability.DOSSIER_INSTRUCT)) == [cast.guichet]
    assert not holders_of(Capability.DOSSIER_FOLLOW).exists()


@pytest.mark.django_db
def test_every_role_is_played_by_its_declared_users_in_the_test_cast(cast):
    for role, spec in ROLES.items():
        assert spec.demo_users, f"{role} has no demo user"
        for demo_user in spec.demo_users:
            user = cast[demo_user.username]
            assert user_roles(user) == {role} and not user.is_superuser
    assert cast.admin.is_superuser
