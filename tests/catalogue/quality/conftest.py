import pytest

from catalogue.quality.services import data_file_attach, profiling_run_inline

from .factories import ir_ben_r, write_data


@pytest.fixture
def table(db):
    return ir_ben_r()


@pytest.fixture
def profiled(table, cast):
    """IR_BEN_R profiled once, inline, from a file under DATA_ROOT."""
    write_data()
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    assert run.job.status == "succeeded", run.job.error
    return run
