"""Demo drug referentials made by this project, in the exact file formats of IR_PHA_R (SNDS)
and of the ANSM's BDPM — fabricated content, never presented as the real referentials.

The boxes are the 600 CIP7 codes of the synthetic SNDS generator (``omop/reference``, real
CIP7 codes of IR_CIP_V with their ATC class), each given a real active substance of its ATC
class and a made-up product name ending in "DEMO", so that a code list built in the demo
finds persons in a demo conversion. CIP 3002790 is the worked example's ibuprofen.
"""

from __future__ import annotations

import csv
from pathlib import Path

from omop.etl import reference
from omop.etl.generator import EXAMPLE_CIP7, cip13

# Alice's list goes on her first dossier, and the feasibility count on the OMOP demo.
SEED_AFTER = ("access_requests", "omop")

# ATC class (level 2) → (ATC 7, substance, dose) of real substances of that class
SUBSTANCES = {
    "A02": [("A02BC01", "OMEPRAZOLE", "20 mg"), ("A02BC05", "ESOMEPRAZOLE", "40 mg")],
    "A10": [("A10BA02", "METFORMINE", "850 mg"), ("A10BB09", "GLICLAZIDE", "30 mg"),
            ("A10AE04", "INSULINE GLARGINE", "100 U/ml")],
    "B01": [("B01AC06", "ACIDE ACETYLSALICYLIQUE", "75 mg"), ("B01AF01", "RIVAROXABAN", "20 mg")],
    "C07": [("C07AB07", "BISOPROLOL", "5 mg"), ("C07AB02", "METOPROLOL", "100 mg")],
    "C09": [("C09AA05", "RAMIPRIL", "5 mg"), ("C09CA01", "LOSARTAN", "50 mg")],
    "C10": [("C10AA05", "ATORVASTATINE", "20 mg"), ("C10AA07", "ROSUVASTATINE", "10 mg")],
    "H02": [("H02AB06", "PREDNISOLONE", "20 mg"), ("H02AB07", "PREDNISONE", "5 mg")],
    "J01": [("J01CA04", "AMOXICILLINE", "1 g"), ("J01FA10", "AZITHROMYCINE", "250 mg")],
    "M01": [("M01AE01", "IBUPROFENE", "200 mg"), ("M01AE03", "KETOPROFENE", "100 mg"),
            ("M01AB05", "DICLOFENAC", "50 mg")],
    "N02": [("N02BE01", "PARACETAMOL", "1 g"), ("N02AJ06", "CODEINE ET PARACETAMOL", "30 mg")],
    "N05": [("N05BA12", "ALPRAZOLAM", "0,25 mg"), ("N05CF02", "ZOLPIDEM", "10 mg")],
    "N06": [("N06AB06", "SERTRALINE", "50 mg"), ("N06AB10", "ESCITALOPRAM", "10 mg")],
    "R03": [("R03AC02", "SALBUTAMOL", "100 µg"), ("R03AK06", "SALMETEROL ET FLUTICASONE", "50 µg")],
    "R05": [("R05DA09", "DEXTROMETHORPHANE", "15 mg"), ("R05CB01", "ACETYLCYSTEINE", "200 mg")],
    "R06": [("R06AE07", "CETIRIZINE", "10 mg"), ("R06AX27", "DESLORATADINE", "5 mg")],
}  # fmt: skip
LEVEL2 = {
    "A02": "MEDICAMENTS POUR LES TROUBLES DE L'ACIDITE", "A10": "MEDICAMENTS DU DIABETE",
    "B01": "ANTITHROMBOTIQUES", "C07": "BETABLOQUANTS",
    "C09": "MEDICAMENTS AGISSANT SUR LE SYSTEME RENINE-ANGIOTENSINE",
    "C10": "HYPOLIPIDEMIANTS", "H02": "CORTICOIDES A USAGE SYSTEMIQUE",
    "J01": "ANTIBACTERIENS A USAGE SYSTEMIQUE", "M01": "ANTIINFLAMMATOIRES ET ANTIRHUMATISMAUX",
    "N02": "ANALGESIQUES", "N05": "PSYCHOLEPTIQUES", "N06": "PSYCHOANALEPTIQUES",
    "R03": "MEDICAMENTS POUR LES SYNDROMES OBSTRUCTIFS DES VOIES AERIENNES",
    "R05": "MEDICAMENTS DU RHUME ET DE LA TOUX", "R06": "ANTIHISTAMINIQUES A USAGE SYSTEMIQUE",
}  # fmt: skip
IR_PHA_R_FIELDS = ("PHA_CIP_C13", "PHA_PRS_IDE", "PHA_MED_NOM", "PHA_ATC_C07", "PHA_ATC_L07",
                   "PHA_ATC_C03", "PHA_ATC_L03", "PHA_NOM_PA", "PHA_ATC_CLA", "PHA_ATC_LIB")  # fmt: skip


def boxes() -> list[dict[str, str]]:
    out = []
    counters: dict[str, int] = {}
    for row in reference.nomenclature("IR_CIP"):
        cip7, klass = row["PHA_PRS_IDE"], row["PHA_ATC_CLA"]
        choices = SUBSTANCES.get(klass)
        if not choices:
            continue
        n = counters.get(klass, 0)
        counters[klass] = n + 1
        atc7, substance, dose = (
            ("M01AE01", "IBUPROFENE", "200 mg")
            if cip7 == EXAMPLE_CIP7
            else (choices[n % len(choices)])
        )
        box = 10 * (1 + n % 3)
        out.append({
            "PHA_CIP_C13": cip13(cip7), "PHA_PRS_IDE": cip7,
            "PHA_MED_NOM": f"{substance} DEMO {dose} CPR B/{box}",
            "PHA_ATC_C07": atc7, "PHA_ATC_L07": substance, "PHA_ATC_C03": klass,
            "PHA_ATC_L03": LEVEL2[klass], "PHA_NOM_PA": substance, "PHA_ATC_CLA": klass,
            "PHA_ATC_LIB": LEVEL2[klass],
        })  # fmt: skip
    return out


def write_ir_pha_r(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=IR_PHA_R_FIELDS, delimiter=";")
        writer.writeheader()
        writer.writerows(boxes())
    return path


def write_bdpm(folder: Path) -> tuple[Path, Path, Path]:
    """The three BDPM files (tab-separated, Windows-1252, no header) for the same boxes."""
    folder.mkdir(parents=True, exist_ok=True)
    cis_rows, cip_rows, compo_rows = [], [], []
    for i, box in enumerate(boxes()):
        cis = f"6{i:07d}"
        name = box["PHA_MED_NOM"].rsplit(" CPR", 1)[0]
        cis_rows.append([cis, f"{name}, comprimé", "comprimé", "orale", "Autorisation active",
                         "Procédure nationale", "Commercialisée", "01/01/2010", "", "",
                         "LABORATOIRE DEMO", "Non"])  # fmt: skip
        cip_rows.append([cis, box["PHA_PRS_IDE"], f"plaquette(s) - {box['PHA_MED_NOM'][-4:]}",
                         "Présentation active", "Déclaration de commercialisation",
                         "01/01/2010", box["PHA_CIP_C13"], "oui", "65%", "2,50", "2,52", "1,02",
                         ""])  # fmt: skip
        compo_rows.append([cis, "comprimé", f"{10000 + i}", box["PHA_NOM_PA"].lower(),
                           box["PHA_MED_NOM"].split(" DEMO ")[1].split(" CPR")[0],
                           "un comprimé", "SA", "1"])  # fmt: skip
    paths = (folder / "CIS_bdpm.txt", folder / "CIS_CIP_bdpm.txt", folder / "CIS_COMPO_bdpm.txt")
    for path, rows in zip(paths, (cis_rows, cip_rows, compo_rows), strict=True):
        with path.open("w", encoding="cp1252", errors="replace", newline="") as f:
            for r in rows:
                f.write("\t".join(r) + "\r\n")
    return paths


def seed(*, users: dict, stdout) -> None:
    """The referentials (shipped nomenclatures and the demo drug files) and one list of
    Alice's, on her first dossier when there is one. Idempotent."""
    import tempfile

    from . import services
    from .models import CodeList, ReferentialCode

    if not ReferentialCode.objects.filter(source="IR_PHA_R").exists():
        services.referentials_load_shipped(by=users.get("data"))
        with tempfile.TemporaryDirectory() as tmp:
            services.referential_import_ir_pha_r(path=write_ir_pha_r(Path(tmp) / "IR_PHA_R.csv"))
            cis, cis_cip, compo = write_bdpm(Path(tmp) / "bdpm")
            services.referential_import_bdpm(cis=cis, cis_cip=cis_cip, compo=compo)
    stdout.write(f"codelists: {ReferentialCode.objects.count()} codes de référentiels")
    alice = users.get("alice")
    if alice and not CodeList.objects.filter(author=alice).exists():
        dossier = alice.dossiers_led.order_by("pk").first()
        services.code_list_create(
            name="Diabète de type 2 traité par metformine",
            description="Personnes avec un diagnostic de diabète de type 2 ou une délivrance de metformine.",
            rationale="CIM-10 E11 (diagnostics PMSI et ALD) ; ATC A10BA02 (délivrances DCIR).",
            by=alice,
            items=[{"system": "CIM10", "code": "E11", "include_descendants": True},
                   {"system": "ATC", "code": "A10BA02", "include_descendants": True}],
            dossier=dossier,
        )  # fmt: skip
        stdout.write("codelists: liste de démonstration d'Alice")
