"""``manage.py import_tableschema PATH [PATH ...] --database ACRONYM [--nomenclatures DIR]``."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.labels import schema_error_text
from catalogue.services import tableschema_import
from catalogue.tableschema import SchemaErrors


class Command(BaseCommand):
    help = (
        "Import Frictionless Table Schema files (files, or folders walked recursively) in the "
        "HDH schema-snds format into the catalogue database ACRONYM, with the nomenclatures "
        "of --nomenclatures (NAME.json + NAME.csv, ';'-separated). Re-importing updates in "
        "place. Bad input (malformed JSON, unknown type, a key citing a missing column, a CSV "
        "that does not match its schema) imports nothing. A foreign key to a table absent "
        "from the catalogue is kept and reported as unresolved (an error with --strict)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="table schema files or folders")
        parser.add_argument("--database", required=True, help="acronym of the database")
        parser.add_argument("--name", default="", help="name of the database, if created")
        parser.add_argument("--nomenclatures", help="folder of nomenclatures")
        parser.add_argument(
            "--strict", action="store_true", help="refuse foreign keys to absent tables"
        )

    def handle(self, *args, paths, database, name, nomenclatures, strict, **options):
        try:
            run = tableschema_import(
                paths=paths,
                database=database,
                nomenclatures=nomenclatures,
                strict=strict,
                database_name=name,
            )
        except SchemaErrors as exc:
            raise CommandError(
                f"Import refusé, rien n'a été modifié ({len(exc.errors)} problème(s)) :\n"
                + "\n".join(schema_error_text(error) for error in exc.errors)
            ) from exc
        s = run.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"{database} : {s['tables']} tables, {s['variables']} variables, "
                f"{s['join_keys']} clés de jointure, {s['nomenclatures']} nomenclatures "
                f"({s['nomenclature_values']} valeurs) en {run.duration_ms / 1000:.1f} s."
            )
        )
        for change, count in sorted(s["changes"].items()):
            self.stdout.write(f"  {change}: {count}")
        if not s["changes"]:
            self.stdout.write("  aucune modification")
        for key in run.unresolved_keys:
            self.stdout.write(
                self.style.WARNING(
                    f"  clé non résolue : {key['table']}({', '.join(key['fields'])}) → "
                    f"{key['reference']} absente du catalogue ({key['file']})"
                )
            )
        if s["missing_nomenclatures"]:
            self.stdout.write(
                self.style.WARNING(
                    "  nomenclatures citées mais absentes : "
                    + ", ".join(s["missing_nomenclatures"])
                )
            )
