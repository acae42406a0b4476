"""``manage.py load_referentials [--ir-pha-r FILE] [--bdpm DIR] [--demo]``."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.codelists import demo, services
from catalogue.codelists.messages import error_message
from catalogue.codelists.referentials import ReferentialError


class Command(BaseCommand):
    help = (
        "Charge les référentiels des listes de codes : nomenclatures SNDS livrées (CIM-10, "
        "CCAM, NGAP, NABM, LPP), IR_PHA_R et la BDPM de l'ANSM."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ir-pha-r", help="IR_PHA_R as ; CSV with its header line")
        parser.add_argument(
            "--bdpm", help="folder of CIS_bdpm.txt, CIS_CIP_bdpm.txt, CIS_COMPO_bdpm.txt"
        )
        parser.add_argument(
            "--demo", action="store_true",
            help="the project's demo drug files (made-up content in the real formats)",
        )  # fmt: skip

    def handle(self, *args, **opts):
        try:
            n = services.referentials_load_shipped()
            self.stdout.write(f"SNDS nomenclatures: {n} codes")
            ir_pha_r, bdpm = opts["ir_pha_r"], opts["bdpm"]
            with tempfile.TemporaryDirectory() as tmp:
                if opts["demo"]:
                    ir_pha_r = demo.write_ir_pha_r(Path(tmp) / "IR_PHA_R.csv")
                    bdpm = Path(tmp) / "bdpm"
                    demo.write_bdpm(bdpm)
                if ir_pha_r:
                    n = services.referential_import_ir_pha_r(path=Path(ir_pha_r))
                    self.stdout.write(f"IR_PHA_R: {n} codes")
                if bdpm:
                    folder = Path(bdpm)
                    n = services.referential_import_bdpm(
                        cis=folder / "CIS_bdpm.txt",
                        cis_cip=folder / "CIS_CIP_bdpm.txt",
                        compo=folder / "CIS_COMPO_bdpm.txt",
                    )
                    self.stdout.write(f"BDPM: {n} boxes")
        except ReferentialError as exc:
            raise CommandError(error_message(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"{exc.filename}: fichier absent") from exc
