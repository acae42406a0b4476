import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_user_per_role_with_the_given_password(rf):
    call_command("seed_demo", password="demo-pass-42", skip_data=True)
    expected = {
        "alice": "porteur",
        "bob": "porteur",
        "charlie": "porteur",
        "data": "data",
        "guichet": "guichet",
        "cesrees": "cesrees",
        "projets": "projets",
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert authenticate(rf.post("/"), username=username, password="demo-pass-42") == user
    assert User.objects.get(username="admin").is_superuser


def test_seed_demo_is_idempotent():
    call_command("seed_demo", password="x-pass-1", skip_data=True)
    call_command("seed_demo", password="x-pass-2", skip_data=True)
    assert User.objects.filter(username="alice").count() == 1
    assert User.objects.get(username="alice").check_password("x-pass-2")


def test_without_a_password_a_random_one_is_printed_once(capsys):
    call_command("seed_demo", skip_data=True)
    out = capsys.readouterr().out
    password = out.split("mot de passe : ")[1].split()[0]
    assert len(password) >= 12
    assert User.objects.get(username="bob").check_password(password)
