"""Merges recorded by a saved query named it in French ("requête NAME"); they now store the
code ``bibliometrics.origin_query`` with the name, worded in the reader's language."""

import json

from django.db import migrations

PREFIX = "requête "


def to_codes(apps, schema_editor):
    merges = apps.get_model("bibliometrics", "PublicationMerge")
    for merge in merges.objects.filter(origin__startswith=PREFIX).only("pk", "origin"):
        name = merge.origin[len(PREFIX) :][:200]
        merge.origin = "bibliometrics.origin_query|" + json.dumps({"name": name}, ensure_ascii=False)
        merge.save(update_fields=["origin"])


def to_words(apps, schema_editor):
    merges = apps.get_model("bibliometrics", "PublicationMerge")
    for merge in merges.objects.filter(origin__startswith="bibliometrics.origin_query|"):
        name = json.loads(merge.origin.partition("|")[2])["name"]
        merge.origin = (PREFIX + name)[:255]
        merge.save(update_fields=["origin"])


class Migration(migrations.Migration):
    dependencies = [("bibliometrics", "0003_literature_sources")]
    operations = [migrations.RunPython(to_codes, to_words)]
