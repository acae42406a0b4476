"""``manage.py profile_table DATABASE TABLE FILE [--json] [--raw]``"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Table
from catalogue.profiling import ProfilingError
from catalogue.profiling.suppression import publishable
from catalogue.quality.labels import error_text, profiling_message
from catalogue.quality.specs import table_profile_compute
from portal.messages import message_text


class Command(BaseCommand):
    help = (
        "Profile FILE (CSV ; or , in UTF-8 or Latin-1, or Parquet) as the data of the "
        "catalogue table TABLE of the database DATABASE (its acronym) and print the profile. "
        "Nothing is stored. By default the publishable profile (small counts shown as "
        "'< 10'); --raw prints the raw profile with exact counts, small cells included, to "
        "this terminal only: for HDH staff on the secure server, never to be copied into "
        "a publication."
    )

    def add_arguments(self, parser):
        parser.add_argument("database", help="acronym of the catalogue database")
        parser.add_argument("table", help="name of the table, e.g. IR_BEN_R")
        parser.add_argument("file", help="path of the data file")
        parser.add_argument("--json", action="store_true", help="print the whole profile as JSON")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="with --json: the raw profile with exact counts (small cells included), "
            "printed to this terminal only, never stored",
        )

    def handle(
        self, *args, database, table, file, json: bool = False, raw: bool = False, **options
    ):
        try:
            table_obj = Table.objects.select_related("database").get(
                database__acronym=database, name=table
            )
        except Table.DoesNotExist:
            raise CommandError(
                f"Pas de table {table} dans la base {database} du catalogue."
            ) from None

        def progress(pct, step, subject):
            if options.get("verbosity", 1) > 1:
                self.stderr.write(f"{pct:3d} % {message_text(profiling_message(step, subject))}")

        try:
            profile = table_profile_compute(table=table_obj, path=file, progress=progress)
        except ProfilingError as exc:
            raise CommandError(error_text(exc)) from exc
        data = profile.to_dict() if raw else publishable(profile, settings.SMALL_CELL_THRESHOLD)
        if json or raw:
            self.stdout.write(_dumps(data))
            return
        scores = data["scores"]
        self.stdout.write(
            f"{database}/{table} : {data['rows_count']} lignes, note {scores['grade'] or '—'} "
            f"(conformité {scores['conformance']}, complétude {scores['completeness']}, "
            f"plausibilité {scores['plausibility']})"
        )
        for var in data["variables"]:
            self.stdout.write(
                f"  {var['name']:<20} complétude {var['completeness_pct']}  "
                f"conformité {var['conformance']['pct']}  plausibilité {var['plausibility']['pct']}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
