import pytest
from django.contrib.auth.models import AnonymousUser

from portal.actors import actor_user, is_signed_in


@pytest.mark.django_db
def test_only_a_signed_in_user_is_stored_as_author(cast):
    assert is_signed_in(cast.alice) and actor_user(cast.alice) == cast.alice
    for nobody in (None, AnonymousUser()):
        assert not is_signed_in(nobody) and actor_user(nobody) is None
