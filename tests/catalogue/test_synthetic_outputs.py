"""A conversion of a generated extract is described in the public catalogue as a synthetic
demonstration set, never passed off as real data beside the SNDS."""

import pytest

from omop import services
from omop.models import EtlJob
from tests.omop.job_factories import finished

pytestmark = pytest.mark.django_db


def test_a_generated_extract_output_is_marked_synthetic_in_the_catalogue(cast, client):
    etl_job = finished(extract_label="démo 200 personnes", source=EtlJob.Source.GENERATED)
    database = services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)
    assert database.synthetic
    home = client.get("/catalogue/").content.decode()
    assert "jeu synthétique de démonstration" in home
    page = client.get(database.get_absolute_url()).content.decode()
    assert 'data-testid="synthetic-badge"' in page


def test_an_output_of_a_real_extract_is_not_marked(cast, client):
    etl_job = finished(extract_label="extrait 2024", source=EtlJob.Source.DATA_ROOT)
    database = services.etl_job_register_in_catalogue(etl_job=etl_job, by=cast.data)
    assert not database.synthetic
    assert 'data-testid="synthetic-badge"' not in client.get("/catalogue/").content.decode()
