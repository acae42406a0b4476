"""A profiling job through a real Celery worker stores its published results."""

import pytest

from catalogue.quality.models import ProfilingRun
from catalogue.quality.services import data_file_attach, profiling_start
from tests.conftest import wait_for

from .factories import ir_ben_r, write_data


@pytest.mark.django_db(transaction=True)
def test_a_worker_profiles_the_table_and_publishes(celery_worker, cast):
    table = ir_ben_r()
    write_data()
    run = profiling_start(
        data_file=data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv"), by=cast.data
    )

    def done():
        run.job.refresh_from_db()
        return run.job.is_finished

    wait_for(done, timeout=120, message="the profiling job did not finish")
    assert run.job.status == "succeeded", run.job.error
    run = ProfilingRun.objects.get(pk=run.pk)
    assert run.is_published and run.variable_results.count() == 5
