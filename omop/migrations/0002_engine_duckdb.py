"""The pandas engine left the product: DuckDB runs the same mapping (same rows, checked by
tests/omop/test_engine_regression.py), so past pandas jobs are retried with DuckDB."""

from django.db import migrations, models


def pandas_to_duckdb(apps, schema_editor):
    apps.get_model("omop", "EtlJob").objects.filter(engine="pandas").update(engine="duckdb")


def duckdb_to_pandas(apps, schema_editor):
    apps.get_model("omop", "EtlJob").objects.filter(engine="duckdb").update(engine="pandas")


class Migration(migrations.Migration):
    dependencies = [
        ("omop", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="etljob",
            name="engine",
            field=models.CharField(
                choices=[("duckdb", "DuckDB (dans le worker)"), ("spark", "Spark")],
                max_length=16,
                verbose_name="moteur",
            ),
        ),
        migrations.RunPython(pandas_to_duckdb, duckdb_to_pandas),
    ]
