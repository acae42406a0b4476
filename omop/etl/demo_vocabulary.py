"""A small vocabulary bundle in Athena's exact file format, made by this project for the
demo and the tests — **not** Athena's content.

Every concept is in OMOP's local range (``concept_id`` > 2,000,000,000) and every
vocabulary's version says "HDH démo (pas Athena)". Source concepts reuse the real codes of
the shipped nomenclatures (CCAM acts, CIP7 drugs by ATC class, a few CIM-10 diagnoses in
Athena's dotted form); their standard targets belong to one local vocabulary, ``HDH Demo``.
About one code in ten is left without a ``Maps to`` on purpose, so that the alignment
report and the review of unmapped codes have something to show.
"""

from __future__ import annotations

import csv
from pathlib import Path

from . import reference
from .athena import FILES, LOCAL_RANGE

VERSION = "HDH démo 2026-12 (pas Athena)"
RELEASE = "HDH démo 2026-12"
START, END = "19700101", "20991231"
FRENCH = 4180190  # OMOP concept "French language", as Athena's synonyms use it

# (code, English name, French name, domain) — CIM-10 in Athena's dotted form
CIM10 = (
    ("E11", "Type 2 diabetes mellitus", "Diabète sucré de type 2", "Condition"),
    ("E11.9", "Type 2 diabetes mellitus without complications",
     "Diabète sucré de type 2, sans complication", "Condition"),
    ("I10", "Essential (primary) hypertension", "Hypertension essentielle (primitive)", "Condition"),
    ("J45", "Asthma", "Asthme", "Condition"),
    ("M54.5", "Low back pain", "Lombalgie basse", "Condition"),
    ("C50", "Malignant neoplasm of breast", "Tumeur maligne du sein", "Condition"),
    ("F32", "Depressive episode", "Épisode dépressif", "Condition"),
    ("I21", "Acute myocardial infarction", "Infarctus aigu du myocarde", "Condition"),
    ("I21.0", "Acute transmural myocardial infarction of anterior wall",
     "Infarctus transmural aigu de la paroi antérieure", "Condition"),
)  # fmt: skip
# CIM-10 codes that map to their own target and to another code's target too, as Athena
# does for codes that carry two ideas (the two rows a conversion must give)
ALSO_MAPS_TO = {"I21.0": "I21"}
# CCAM acts whose standard concept is a measurement, as in Athena (an ECG is measured)
CCAM_DOMAINS = {"DEQP003": "Measurement"}
# standard concepts without a source vocabulary in Athena: the biology (NABM) and the
# provider specialties, reached through a SOURCE_TO_CONCEPT_MAP the curator builds
CURATED_TARGETS = (
    ("B-552", "Glucose measurement", "Measurement", "Lab Test"),
    ("B-1104", "Complete blood count", "Measurement", "Lab Test"),
    ("B-127", "INR in blood", "Measurement", "Lab Test"),
    ("S-ACT26", "Physical therapist", "Provider", "Physician Specialty"),
    ("S-SPE1", "General practitioner", "Provider", "Physician Specialty"),
)
# CIM-10 codes whose standard concept is an observation, as Athena maps the factors
# influencing health status (written after every other concept: the ids above stay)
OBSERVATIONS = (("Z72.0", "Tobacco use", "Usage du tabac"),)
ATC_NAMES = {  # the 15 ATC classes of the shipped CIP7 subset (WHO ATC level 2 names)
    "A02": "Drugs for acid related disorders", "A10": "Drugs used in diabetes",
    "B01": "Antithrombotic agents", "C07": "Beta blocking agents",
    "C09": "Agents acting on the renin-angiotensin system", "C10": "Lipid modifying agents",
    "J01": "Antibacterials for systemic use", "M01": "Antiinflammatory and antirheumatic products",
    "N02": "Analgesics", "N05": "Psycholeptics", "N06": "Psychoanaleptics",
    "R03": "Drugs for obstructive airway diseases", "R06": "Antihistamines for systemic use",
    "H02": "Corticosteroids for systemic use", "R05": "Cough and cold preparations",
}  # fmt: skip


def write_demo_bundle(folder: str | Path) -> Path:
    """Write the bundle's eight tab-separated files into ``folder``; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ids = iter(range(LOCAL_RANGE + 1, LOCAL_RANGE + 1_000_000))
    concepts, maps, ancestors, synonyms = [], [], [], []

    def concept(name, domain, vocabulary, klass, code, standard=""):
        cid = next(ids)
        concepts.append(
            (cid, name[:255], domain, vocabulary, klass, standard, code, START, END, "")
        )
        return cid

    def maps_to(source, target):
        maps.append((source, target, "Maps to", START, END, ""))
        maps.append((target, source, "Mapped from", START, END, ""))

    # diagnoses: CIM-10 source concepts → local standard conditions (English name, French synonym)
    condition = {}
    for code, english, french, domain in CIM10:
        source = concept(french, domain, "CIM10", "CIM10 code", code)
        if code == "F32":  # unmapped on purpose
            continue
        target = concept(english, domain, "HDH Demo", "Clinical Finding", f"C-{code}", "S")
        condition[code] = target
        maps_to(source, target)
        if code in ALSO_MAPS_TO:
            maps_to(source, condition[ALSO_MAPS_TO[code]])
        ancestors.append((target, target, 0, 0))
        synonyms.append((target, french, FRENCH))

    # acts: CCAM source concepts → local standard procedures
    for i, row in enumerate(reference.nomenclature("IR_CCAM")):
        code, label = row["CAM_PRS_IDE_COD"], row["CAM_PRS_IDE_LIB"]
        domain = CCAM_DOMAINS.get(code, "Procedure")
        source = concept(label, domain, "CCAM", "CCAM", code)
        if i % 10 == 9:
            continue
        target = concept(label, domain, "HDH Demo", "Procedure", f"P-{code}", "S")
        maps_to(source, target)
        ancestors.append((target, target, 0, 0))

    # drugs: ATC classes (classification) → one local ingredient per class ← BDPM CIP7 boxes
    ingredient = {}
    for atc, name in sorted(ATC_NAMES.items()):
        klass = concept(name, "Drug", "ATC", "ATC 2nd", atc, "C")
        ingredient[atc] = concept(f"{name} (HDH demo ingredient)", "Drug", "HDH Demo",
                                  "Ingredient", f"D-{atc}", "S")  # fmt: skip
        ancestors.extend([(klass, klass, 0, 0), (ingredient[atc], ingredient[atc], 0, 0),
                          (klass, ingredient[atc], 1, 1)])  # fmt: skip
    for i, row in enumerate(reference.nomenclature("IR_CIP")):
        cip7, atc = row["PHA_PRS_IDE"], row["PHA_ATC_CLA"]
        source = concept(f"CIP {cip7} ({atc})", "Drug", "BDPM", "Drug Product", cip7)
        if i % 10 == 9 or atc not in ingredient:
            continue
        maps_to(source, ingredient[atc])

    for code, name, domain, klass in CURATED_TARGETS:
        target = concept(name, domain, "HDH Demo", klass, code, "S")
        ancestors.append((target, target, 0, 0))

    for code, english, french in OBSERVATIONS:
        source = concept(french, "Observation", "CIM10", "CIM10 code", code)
        target = concept(english, "Observation", "HDH Demo", "Context-dependent", f"O-{code}", "S")
        maps_to(source, target)
        ancestors.append((target, target, 0, 0))
        synonyms.append((target, french, FRENCH))

    vocabularies = [
        # the release as a whole (Athena's "None" row, what cdm_source.vocabulary_version
        # says: varchar(20)), still saying it is the demo
        (
            "None",
            "OMOP vocabularies, HDH demo bundle (not Athena)",
            "HDH demo bundle",
            RELEASE,
            next(ids),
        ),
        ("CIM10", "CIM-10 (HDH demo subset)", "HDH demo bundle", VERSION, next(ids)),
        ("CCAM", "CCAM (HDH demo subset)", "HDH demo bundle", VERSION, next(ids)),
        ("BDPM", "BDPM CIP7 (HDH demo subset)", "HDH demo bundle", VERSION, next(ids)),
        ("ATC", "ATC level 2 (HDH demo subset)", "HDH demo bundle", VERSION, next(ids)),
        ("HDH Demo", "HDH demo standard concepts", "HDH demo bundle", VERSION, next(ids)),
    ]
    domains = [(d, d, next(ids)) for d in ("Condition", "Drug", "Procedure", "Measurement",
                                           "Device", "Observation", "Metadata", "Provider")]  # fmt: skip
    classes = [(c, c, next(ids)) for c in ("CIM10 code", "Clinical Finding", "CCAM", "Procedure",
                                           "ATC 2nd", "Ingredient", "Drug Product", "Lab Test",
                                           "Physician Specialty")]  # fmt: skip
    relationships = [
        ("Maps to", "Non-standard to Standard map (OMOP)", "0", "0", "Mapped from", next(ids)),
        ("Mapped from", "Standard to Non-standard map (OMOP)", "0", "0", "Maps to", next(ids)),
        ("Is a", "Is a", "1", "1", "Subsumes", next(ids)),
        ("Subsumes", "Subsumes", "1", "1", "Is a", next(ids)),
    ]
    tables = {
        "CONCEPT": concepts, "CONCEPT_RELATIONSHIP": maps, "CONCEPT_ANCESTOR": ancestors,
        "VOCABULARY": vocabularies, "DOMAIN": domains, "CONCEPT_CLASS": classes,
        "RELATIONSHIP": relationships, "CONCEPT_SYNONYM": synonyms,
    }  # fmt: skip
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar=None,
                             lineterminator="\n")  # fmt: skip
            out.writerow([c for c, _ in FILES[name]])
            out.writerows(rows)
    (folder / "README.txt").write_text(
        "Bundle de démonstration du portail HDH, au format des fichiers Athena (OHDSI).\n"
        "Ce n'est PAS un téléchargement Athena : concepts locaux (> 2 000 000 000), "
        "fabriqués à partir des nomenclatures SNDS livrées avec le portail.\n",
        encoding="utf-8",
    )
    return folder
