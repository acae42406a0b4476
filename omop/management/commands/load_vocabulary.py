"""``manage.py load_vocabulary PATH``: load an OHDSI Athena bundle (folder or zip)."""

from django.core.management.base import BaseCommand, CommandError

from omop.etl.athena import VocabularyError
from omop.vocabulary.messages import error_message
from omop.vocabulary.services import vocabulary_load


class Command(BaseCommand):
    help = "Charge un paquet de vocabulaires OMOP téléchargé d'Athena (dossier ou zip)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the Athena download: a folder or its zip")

    def handle(self, *args, **opts):
        def progress(name, rows):
            if opts["verbosity"] > 1:
                self.stdout.write(f"{name}: {rows} rows")

        try:
            release = vocabulary_load(path=opts["path"], progress=progress)
        except VocabularyError as exc:
            raise CommandError(str(error_message(exc))) from exc
        for name, rows in release.row_counts.items():
            self.stdout.write(f"{name}: {rows} rows")
        self.stdout.write(self.style.SUCCESS(f"vocabulary in use: {release.version_string}"))
