"""``manage.py omop_etl``: convert an SNDS extract to OMOP CDM v5.4 (see omop.etl)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from omop import services
from omop.etl import InputError, run_conversion
from omop.etl.api import ENGINES
from omop.etl.spec import TABLES
from omop.etl.writers import FORMATS
from omop.labels import input_error_text, notice_label


class Command(BaseCommand):
    help = "Convertit un extrait SNDS au format OMOP CDM v5.4 (moteur DuckDB ou Spark)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="folder of the SNDS extract")
        parser.add_argument(
            "--output", required=True,
            help="folder (csv, parquet), SQLite file, or postgresql://…/db?schema=omop",
        )  # fmt: skip
        parser.add_argument(
            "--engine", choices=ENGINES, default="duckdb",
            help="duckdb: this machine, bounded memory; spark: local[*] or SPARK_MASTER_URL",
        )  # fmt: skip
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--tables", help=f"comma-separated subset of: {','.join(TABLES)}")
        parser.add_argument("--start", help="extraction window start (events before are rejected)")
        parser.add_argument("--end", help="extraction window end")
        parser.add_argument("--report", help="report path (default: next to the output)")
        parser.add_argument(
            "--vocabulary",
            help="folder of a vocabulary's Parquet copy (concept.parquet, "
            "concept_relationship.parquet, concept_ancestor.parquet, vocabulary.parquet) to map "
            "the events with, with the curated SOURCE_TO_CONCEPT_MAP; default: the vocabulary "
            "loaded in the portal (load_vocabulary) and its curated map, none if none is "
            "loaded; 'none': no mapping (every concept 0)",
        )
        parser.add_argument(
            "--fail-on-dq",
            action="store_true",
            help="exit non-zero when a data-quality check fails",
        )

    def handle(self, *args, **opts):
        tables = (
            [t.strip() for t in opts["tables"].split(",") if t.strip()] if opts["tables"] else None
        )
        verbose = opts["verbosity"] > 1

        def progress(step, pct, rows, message):
            if verbose:
                self.stdout.write(f"[{pct:3d}%] {step}: {message} ({rows} rows)")

        choice = opts["vocabulary"]
        if choice and choice != "none" and not Path(choice).is_dir():
            raise CommandError(f"--vocabulary: {choice} is not a folder")
        try:
            config = services.engine_config(
                vocabulary=choice != "none", vocabulary_dir=choice if choice != "none" else None
            )
        except DatabaseError as exc:
            if choice:  # a folder's curated map comes from the portal: it must be there
                raise CommandError(
                    f"--vocabulary: the portal's database cannot be read ({exc}); "
                    "give --vocabulary none, or run `manage.py migrate` first"
                ) from exc
            # no portal database on this machine (a cluster node, a bare checkout): the
            # conversion runs without vocabulary, as with --vocabulary none
            self.stderr.write(
                "The portal's database cannot be read, so no vocabulary is applied "
                "(--vocabulary DIR to map with a vocabulary folder)."
            )
            config = services.engine_config(vocabulary=False)
        try:
            report = run_conversion(
                opts["input"], opts["output"], engine=opts["engine"], fmt=opts["format"],
                tables=tables, window=(opts["start"], opts["end"]) if opts["start"] or opts["end"] else None,
                progress=progress, report_path=opts["report"], config=config,
            )  # fmt: skip
        except InputError as exc:
            raise CommandError(input_error_text(exc)) from exc
        for table, n in report.rows_written.items():
            rejected = sum(report.rejected.get(table, {}).values())
            self.stdout.write(f"{table}: {n} rows written, {rejected} rejected")
        for notice in report.notices:
            self.stdout.write(notice_label(notice))
        failed = [c for c in report.dq if not c["passed"]]
        for c in failed:
            self.stdout.write(
                self.style.ERROR(
                    f"DQ {c['check']} {c['table']}.{c['field']}: {c['failed_rows']} rows"
                )
            )
        self.stdout.write(
            self.style.SUCCESS(f"OMOP output in {opts['output']} ({report.durations['total']} s)")
        )
        if failed and opts["fail_on_dq"]:
            raise CommandError(f"{len(failed)} data-quality check(s) failed (see the report).")
