"""The demo profiles every table the synthetic generator produces, once, and fills the
catalogue's row counts from the profiles."""

import io

from catalogue.models import Table
from catalogue.quality import demo
from catalogue.quality.models import ProfilingRun


def test_the_demo_does_nothing_without_the_catalogue_demo(db, cast):
    demo.seed(users={"data": cast.data}, stdout=io.StringIO())
    assert not ProfilingRun.objects.exists()


def test_the_demo_profiles_every_generated_table_and_fills_row_counts(db, cast, client):
    from catalogue import demo as catalogue_demo

    out = io.StringIO()
    catalogue_demo.seed(users={"data": cast.data}, stdout=out)
    demo.seed(users={"data": cast.data}, stdout=out)
    generated = {"IR_BEN_R", "ER_PRS_F", "ER_PHA_F", "ER_CAM_F", "ER_ETE_F", "ER_BIO_F"}
    generated |= {"ER_TIP_F", "T_MCOaaA", "T_MCOaaB", "T_MCOaaC", "T_MCOaaD", "T_MCOaaE"}
    generated |= {"T_MCOaaUM"}  # IR_IMB_R too, once the demo catalogue describes it
    runs = {r.table.name: r for r in ProfilingRun.objects.select_related("table", "job")}
    assert set(runs) == generated, out.getvalue()
    for name, run in runs.items():
        assert run.job.status == "succeeded", (name, run.job.error)
        assert run.grade, name
        assert run.result["reference_date"] == "2015-12-31"
        table = Table.objects.get(pk=run.table_id)
        assert table.row_count == run.result["rows_count"] and table.row_count >= 10
    prs = runs["ER_PRS_F"]
    assert len(prs.result["absent_columns"]) > 90  # a column subset, as real extracts are
    ben = runs["IR_BEN_R"]
    assert ben.result["pyramid"] and ben.result["sex_split"]
    death = ben.variable_results.get(name="BEN_DCD_DTE")
    assert death.data["expected_basis"] == "death_date" and death.score is not None
    # once only
    demo.seed(users={"data": cast.data}, stdout=out)
    assert ProfilingRun.objects.count() == len(generated)
    page = client.get("/catalogue/b/SNDS/ER_PRS_F/").content.decode()
    assert 'data-testid="grade-explanation"' in page


def test_the_demo_profiles_the_omop_output_and_optional_columns_cost_nothing(db, cast):
    from catalogue import demo as catalogue_demo
    from omop import demo as omop_demo

    out = io.StringIO()
    users = {"data": cast.data}
    catalogue_demo.seed(users=users, stdout=out)
    omop_demo.seed(users=users, stdout=out)
    demo.seed(users=users, stdout=out)
    person = ProfilingRun.objects.filter(
        table__name="person", table__database__acronym__startswith="OMOP"
    ).first()
    assert person is not None, out.getvalue()
    assert person.job.status == "succeeded", person.job.error
    optional = person.variable_results.get(name="ethnicity_source_value")
    assert optional.data["expected_basis"] == "optional"
    assert optional.data["completeness_score"] == 100.0
    assert person.grade == "A", person.result["explanation"]
    assert Table.objects.get(pk=person.table_id).row_count == person.result["rows_count"]
