"""The demo profiles the catalogue's demo IR_BEN_R for real, once."""

import io

from catalogue.models import Variable
from catalogue.quality import demo
from catalogue.quality.models import ProfilingRun


def test_the_demo_profiles_ir_ben_r_once(table, cast):
    for position, (name, vtype, fmt) in enumerate(
        [
            ("BEN_NAI_MOI", "date", "%m"),
            ("BEN_DCD_AME", "yearmonth", "default"),
            ("BEN_TOP_CNS", "boolean", "default"),
        ],
        start=10,
    ):
        Variable.objects.create(table=table, position=position, name=name, type=vtype, format=fmt)
    out = io.StringIO()
    demo.seed(users={"data": cast.data}, stdout=out)
    run = ProfilingRun.objects.get(table=table)
    assert run.job.status == "succeeded", run.job.error
    assert run.result["rows_count"] == demo.ROWS and run.result["pyramid"]
    demo.seed(users={"data": cast.data}, stdout=out)
    assert ProfilingRun.objects.filter(table=table).count() == 1


def test_the_demo_does_nothing_without_the_catalogue_demo(db, cast):
    demo.seed(users={"data": cast.data}, stdout=io.StringIO())
    assert not ProfilingRun.objects.exists()


def test_the_demo_profiles_the_catalogue_demo_table(db, cast):
    from catalogue import demo as catalogue_demo

    out = io.StringIO()
    catalogue_demo.seed(users={"data": cast.data}, stdout=out)
    demo.seed(users={"data": cast.data}, stdout=out)
    run = ProfilingRun.objects.get(table__name="IR_BEN_R")
    assert run.job.status == "succeeded", run.job.error
    assert run.grade and run.result["pyramid"] and run.result["sex_split"]
