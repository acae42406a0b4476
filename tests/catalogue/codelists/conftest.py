import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def referentials(django_db_setup, django_db_blocker):
    """The shipped nomenclatures and the demo drug files, loaded once for the module."""
    from catalogue.codelists.models import ReferentialCode

    with django_db_blocker.unblock():
        call_command("load_referentials", "--demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        ReferentialCode.objects.all().delete()
