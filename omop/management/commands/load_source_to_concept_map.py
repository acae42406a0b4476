"""``manage.py load_source_to_concept_map FILE``: curated mappings (OMOP CSV or Usagi)."""

from django.core.management.base import BaseCommand, CommandError

from omop.etl.athena import VocabularyError
from omop.vocabulary.messages import error_message
from omop.vocabulary.services import stcm_load


class Command(BaseCommand):
    help = "Charge une SOURCE_TO_CONCEPT_MAP (CSV au format OMOP, ou export Usagi)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="SOURCE_TO_CONCEPT_MAP CSV or Usagi export")
        parser.add_argument(
            "--source-vocabulary", help="source vocabulary_id of a Usagi export (e.g. NABM)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="retire every mapping not in the file"
        )

    def handle(self, *args, **opts):
        try:
            version = stcm_load(
                file=opts["file"],
                source_vocabulary=opts["source_vocabulary"],
                replace=opts["replace"],
            )
        except VocabularyError as exc:
            raise CommandError(str(error_message(exc))) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        rows = version.added.count()
        self.stdout.write(self.style.SUCCESS(f"{version}: {rows} mappings loaded"))
