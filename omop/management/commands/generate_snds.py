"""``manage.py generate_snds``: write a synthetic SNDS extract (see omop.etl.generator)."""

from django.core.management.base import BaseCommand, CommandError

from omop.etl import InputError
from omop.etl.generator import generate_extract
from omop.labels import input_error_text


class Command(BaseCommand):
    help = (
        "Génère un extrait SNDS synthétique (IR_BEN_R, IR_IMB_R, ER_PRS_F, ER_PHA_F, ER_CAM_F, "
        "ER_ETE_F, ER_BIO_F, ER_TIP_F, T_MCOaaE/B/C/D/A/UM)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="number of persons")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same files")
        parser.add_argument("--output", required=True, help="folder to write")
        parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
        parser.add_argument("--start", default="2013-01-01")
        parser.add_argument("--end", default="2015-12-31")
        parser.add_argument("--dirt", type=float, default=0.01, help="rate of real-world dirt")
        parser.add_argument(
            "--include-example", action="store_true", help="add the worked case of the HDH exercise"
        )

    def handle(self, *args, **opts):
        def progress(done, total):
            if opts["verbosity"] > 1:
                self.stdout.write(f"{done}/{total} persons")

        try:
            rows = generate_extract(
                opts["output"], persons=opts["persons"], seed=opts["seed"], fmt=opts["format"],
                start=opts["start"], end=opts["end"], include_example=opts["include_example"],
                dirt=opts["dirt"], progress=progress,
            )  # fmt: skip
        except InputError as exc:
            raise CommandError(input_error_text(exc)) from exc
        except ValueError as exc:  # a date that is not ISO
            raise CommandError(str(exc)) from exc
        for table, n in rows.items():
            self.stdout.write(f"{table}: {n} rows")
        self.stdout.write(self.style.SUCCESS(f"Extract written to {opts['output']}"))
