"""The code systems a study population is targeted with, read from their files (no Django).

Each reader yields :class:`Code` rows — system, code, label, parent code (the hierarchy),
words to search by — from the SNDS nomenclatures shipped with the portal (CIM-10 IR_CIM_V,
CCAM IR_CCAM_V63, NABM IR_BIO_R, LPP NT_LPP, prestations IR_NAT_V), from the SNDS drug
referential IR_PHA_R (``;`` CSV with its header, as delivered with an SNDS access), and from
the ANSM public drug database (BDPM: ``CIS_bdpm.txt``, ``CIS_CIP_bdpm.txt``,
``CIS_COMPO_bdpm.txt``, tab-separated, Windows-1252, no header line).

Hierarchies: CIM-10 chapter → block (``E10-E14``, from ``reference/CIM10_BLOCS.csv``) →
category (3 characters) → code; ATC level 1 → 2 → 3 → 4 → 5 (substance) → product
(``PROD-…``, a structural code of the CIP13 system) → CIP13 boxes; CCAM chapter (first
letter) → code; NGAP prestations by nature (the first digit of PRS_NAT_REF); NABM and LPP
flat. Structural codes (chapters, blocks, natures, products) group codes; they stand in no
SNDS column themselves (:func:`is_structural`).

Errors are :class:`ReferentialError` (a code and its parameters).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"


class System:
    CIM10 = "CIM10"
    ATC = "ATC"
    CIP13 = "CIP13"
    CCAM = "CCAM"
    NGAP = "NGAP"
    NABM = "NABM"
    LPP = "LPP"
    ALL = (CIM10, ATC, CIP13, CCAM, NGAP, NABM, LPP)


class ReferentialError(ValueError):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(f"{code}: {params}")


@dataclass
class Code:
    system: str
    code: str
    label: str
    parent: str = ""
    level: int = 0  # depth in its hierarchy (0 = top)
    words: str = ""  # more text to search by (substances, CIP7…)
    extra: dict = field(default_factory=dict)


STRUCTURAL = re.compile(r"^(CHAP-|NAT-|PROD-)|^[A-Z]\d\d-[A-Z]\d\d$")


def is_structural(code: str) -> bool:
    """A code that only groups others (chapter, CIM-10 block, NGAP nature, drug product)."""
    return bool(STRUCTURAL.match(code))


def may_have_children(system: str, code: str) -> bool:
    """Whether a code can have codes under it: structural codes, ATC classes, CIM-10
    categories. Boxes, acts, sub-categories are leaves: walking down from 27,000 boxes
    asked the database for their (absent) children in one huge IN list."""
    return (
        is_structural(code) or system == System.ATC or (system == System.CIM10 and len(code) == 3)
    )


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: what the search compares."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# --- hierarchies written once -------------------------------------------------------------

# CIM-10 chapters (WHO ICD-10, French titles of the ATIH edition): (first, last, title)
CIM10_CHAPTERS = (
    ("A00", "B99", "I", "Certaines maladies infectieuses et parasitaires"),
    ("C00", "D48", "II", "Tumeurs"),
    ("D50", "D89", "III", "Maladies du sang et des organes hématopoïétiques et certains troubles du système immunitaire"),
    ("E00", "E90", "IV", "Maladies endocriniennes, nutritionnelles et métaboliques"),
    ("F00", "F99", "V", "Troubles mentaux et du comportement"),
    ("G00", "G99", "VI", "Maladies du système nerveux"),
    ("H00", "H59", "VII", "Maladies de l'œil et de ses annexes"),
    ("H60", "H95", "VIII", "Maladies de l'oreille et de l'apophyse mastoïde"),
    ("I00", "I99", "IX", "Maladies de l'appareil circulatoire"),
    ("J00", "J99", "X", "Maladies de l'appareil respiratoire"),
    ("K00", "K93", "XI", "Maladies de l'appareil digestif"),
    ("L00", "L99", "XII", "Maladies de la peau et du tissu cellulaire sous-cutané"),
    ("M00", "M99", "XIII", "Maladies du système ostéo-articulaire, des muscles et du tissu conjonctif"),
    ("N00", "N99", "XIV", "Maladies de l'appareil génito-urinaire"),
    ("O00", "O99", "XV", "Grossesse, accouchement et puerpéralité"),
    ("P00", "P96", "XVI", "Certaines affections dont l'origine se situe dans la période périnatale"),
    ("Q00", "Q99", "XVII", "Malformations congénitales et anomalies chromosomiques"),
    ("R00", "R99", "XVIII", "Symptômes, signes et résultats anormaux d'examens cliniques et de laboratoire"),
    ("S00", "T98", "XIX", "Lésions traumatiques, empoisonnements et certaines autres conséquences de causes externes"),
    ("V01", "Y98", "XX", "Causes externes de morbidité et de mortalité"),
    ("Z00", "Z99", "XXI", "Facteurs influant sur l'état de santé et motifs de recours aux services de santé"),
    ("U00", "U99", "XXII", "Codes d'utilisation particulière"),
)  # fmt: skip

# CCAM chapters: the first letter of a code names the body system it acts on
CCAM_CHAPTERS = {
    "A": "Système nerveux central, périphérique et autonome", "B": "Œil et annexes",
    "C": "Oreille", "D": "Appareil circulatoire (cœur)", "E": "Appareil circulatoire (vaisseaux)",
    "F": "Système immunitaire et hématopoïétique", "G": "Appareil respiratoire",
    "H": "Appareil digestif", "J": "Appareil urinaire et génital", "K": "Glandes endocrines",
    "L": "Tête, cou, rachis et tronc (os, articulations, muscles)", "M": "Membre supérieur",
    "N": "Membre inférieur", "P": "Appareil locomoteur : actes sans précision topographique",
    "Q": "Peau et tissu cellulaire sous-cutané", "Y": "Gestes complémentaires et suppléments",
    "Z": "Actes sans précision topographique",
}  # fmt: skip

# NGAP prestations (PRS_NAT_REF) by the family their first digit names
NGAP_NATURES = {
    "1": "Actes médicaux et consultations", "2": "Dispositifs, transports et divers",
    "3": "Actes des auxiliaires médicaux, pharmacie et biologie", "4": "Frais de séjour et forfaits",
    "5": "Prestations en espèces", "6": "Autres prestations", "7": "Autres prestations",
    "8": "Autres prestations", "9": "Autres prestations",
}  # fmt: skip
ATC_LEVEL_LENGTHS = (1, 3, 4, 5, 7)
# ATC anatomical main groups (WHO), in French
ATC_GROUPS = {
    "A": "Voies digestives et métabolisme", "B": "Sang et organes hématopoïétiques",
    "C": "Système cardio-vasculaire", "D": "Médicaments dermatologiques",
    "G": "Système génito-urinaire et hormones sexuelles",
    "H": "Hormones systémiques, hormones sexuelles exclues", "J": "Anti-infectieux généraux à usage systémique",
    "L": "Antinéoplasiques et immunomodulateurs", "M": "Muscle et squelette",
    "N": "Système nerveux", "P": "Antiparasitaires, insecticides et répulsifs",
    "R": "Système respiratoire", "S": "Organes sensoriels", "V": "Divers",
}  # fmt: skip


def cim10_chapter(code: str) -> tuple[str, str] | None:
    head = code[:3].upper()
    for first, last, number, title in CIM10_CHAPTERS:
        if first <= head <= last:
            return number, title
    return None


def cim10_blocks(path: Path = REFERENCE / "CIM10_BLOCS.csv") -> list[tuple[str, str, str]]:
    """(first category, last category, title) of the CIM-10 blocks, in order."""
    return [(r["BLOC"][:3], r["BLOC"][4:], r["LIBELLE"].strip()) for r in _rows(path)]


def atc_parent(code: str) -> str:
    """The ATC code one level up (M01AE01 → M01AE → M01A → M01 → M)."""
    for length in reversed(ATC_LEVEL_LENGTHS):
        if length < len(code):
            return code[:length]
    return ""


def atc_level(code: str) -> int:
    return ATC_LEVEL_LENGTHS.index(len(code)) if len(code) in ATC_LEVEL_LENGTHS else 4


# --- readers ----------------------------------------------------------------------------------


def _rows(path: Path, encoding: str = "utf-8") -> Iterator[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as f:
        yield from csv.DictReader(f, delimiter=";")


def cim10_codes(path: Path = REFERENCE / "IR_CIM_V.csv") -> Iterator[Code]:
    """Chapters → blocks → categories → codes. A category no block covers (a national
    extension such as U90) hangs under its chapter."""
    categories: dict[str, str] = {}
    codes = []
    for row in _rows(path):
        code, label = row["CIM_COD"].strip().upper(), row["CIM_LIB"].strip()
        if not code:
            continue
        if len(code) == 3:
            categories[code] = label
        codes.append((code, label))
    for number, title in {(n, t) for _f, _l, n, t in CIM10_CHAPTERS}:
        yield Code(System.CIM10, f"CHAP-{number}", f"Chapitre {number} : {title}", level=0)
    blocks = cim10_blocks()
    for first, last, title in blocks:
        chapter = cim10_chapter(first)
        yield Code(System.CIM10, f"{first}-{last}", title, level=1,
                   parent=f"CHAP-{chapter[0]}" if chapter else "")  # fmt: skip
    for code, label in codes:
        if len(code) == 3:
            block = next((f"{f}-{la}" for f, la, _t in blocks if f <= code <= la), "")
            chapter = cim10_chapter(code)
            parent = block or (f"CHAP-{chapter[0]}" if chapter else "")
            yield Code(System.CIM10, code, label, parent=parent, level=2)
        else:
            parent = code[:3] if code[:3] in categories else ""
            dotted = f"{code[:3]}.{code[3:]}"
            yield Code(System.CIM10, code, label, parent=parent, level=3, words=dotted)


def ccam_codes(path: Path = REFERENCE / "IR_CCAM_V63.csv") -> Iterator[Code]:
    for letter, title in CCAM_CHAPTERS.items():
        yield Code(System.CCAM, f"CHAP-{letter}", f"Chapitre {letter} : {title}", level=0)
    seen = set()
    for row in _rows(path):
        code = row["CAM_PRS_IDE_COD"].strip().upper()
        if not code or code in seen:
            continue
        seen.add(code)
        parent = f"CHAP-{code[0]}" if code[0] in CCAM_CHAPTERS else ""
        yield Code(System.CCAM, code, row["CAM_PRS_IDE_LIB"].strip(), parent=parent, level=1)


def ngap_codes(path: Path = REFERENCE / "IR_NAT_V.csv") -> Iterator[Code]:
    families = set()
    for row in _rows(path):
        code = row["PRS_NAT"].strip()
        if not code or code == "0":
            continue
        family = code[0]
        if family not in families:
            families.add(family)
            yield Code(System.NGAP, f"NAT-{family}", NGAP_NATURES.get(family, family), level=0)
        yield Code(System.NGAP, code, row["PRS_NAT_LIB"].strip(), parent=f"NAT-{family}", level=1)


def nabm_codes(path: Path = REFERENCE / "IR_BIO_R.csv") -> Iterator[Code]:
    for row in _rows(path):
        code = row["BIO_PRS_IDE"].strip()
        if code:
            yield Code(
                System.NABM,
                code,
                row["BIO_INF_LIB"].strip(),
                extra={"group": row.get("BIO_GRP_LIB", "")},
            )


def lpp_codes(path: Path = REFERENCE / "NT_LPP.csv") -> Iterator[Code]:
    seen = set()
    for row in _rows(path):
        code = row["LPP_PRS_IDE"].strip()
        if code and code not in seen:
            seen.add(code)
            yield Code(System.LPP, code, row["LPP_RED_LIB"].strip())


IR_PHA_R_EXPECTED = "IR_PHA_R (CSV séparé par des « ; », avec sa ligne d'en-tête)"
# the three BDPM files: their name and the fields each record has at least
BDPM_FILES = {"cis": ("CIS_bdpm.txt", 12), "cis_cip": ("CIS_CIP_bdpm.txt", 10),
              "compo": ("CIS_COMPO_bdpm.txt", 8)}  # fmt: skip
IR_PHA_R_COLUMNS = ("PHA_CIP_C13", "PHA_PRS_IDE", "PHA_MED_NOM", "PHA_ATC_C07", "PHA_ATC_L07",
                    "PHA_NOM_PA")  # fmt: skip


def _ir_pha_r_open(path: Path) -> tuple[Iterator[dict[str, str]], dict[str, str]]:
    """The rows of an IR_PHA_R file and its first row, once its header is checked."""
    with path.open("rb") as f:
        if b"\x00" in f.read(65536):  # a binary file renamed .csv
            raise ReferentialError("not_text", file=path.name, expected=IR_PHA_R_EXPECTED)
    try:
        try:
            reader = _rows(path, encoding="utf-8-sig")
            first = next(reader, None)
        except UnicodeDecodeError:
            reader = _rows(path, encoding="cp1252")
            first = next(reader, None)
    except csv.Error as exc:  # NUL bytes: not a text file
        raise ReferentialError("not_text", file=path.name, expected=IR_PHA_R_EXPECTED) from exc
    if first is None:
        raise ReferentialError("empty_file", file=path.name)
    missing = [c for c in IR_PHA_R_COLUMNS if c not in first]
    if missing:
        raise ReferentialError(
            "missing_columns", file=path.name, columns=", ".join(missing),
            expected=IR_PHA_R_EXPECTED,
        )  # fmt: skip
    return reader, first


def _cip13(value: str, *, file: str, line: int) -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"\d{13}", value):
        raise ReferentialError("bad_cip13", file=file, line=line, value=value)
    return value


def ir_pha_r_check(path: Path) -> None:
    """Refuse a file that is not IR_PHA_R by its header and first row, without reading it
    all (an upload is checked before its import job is queued)."""
    _reader, first = _ir_pha_r_open(path)
    _cip13(first["PHA_CIP_C13"], file=path.name, line=2)


def bdpm_check(path: Path, part: str) -> None:
    """Refuse a file that is not the BDPM file ``part`` (cis, cis_cip, compo) by its first
    record."""
    name, min_fields = BDPM_FILES[part]
    if next(_bdpm(path, min_fields), None) is None:
        raise ReferentialError("empty_file", file=path.name)


def ir_pha_r_codes(path: Path) -> Iterator[Code]:
    """IR_PHA_R: every box (CIP13, with its CIP7) under its ATC substance, the ATC levels
    above it, and the active substance's name to search by."""
    reader, first = _ir_pha_r_open(path)
    atc: dict[str, str] = {}
    level2: dict[str, str] = {}
    boxes = []
    for line, row in enumerate([first, *reader], start=2):
        cip13 = _cip13(row["PHA_CIP_C13"], file=path.name, line=line)
        code7 = (row["PHA_ATC_C07"] or "").strip().upper()
        if code7:
            atc.setdefault(code7, (row["PHA_ATC_L07"] or row["PHA_NOM_PA"] or "").strip())
        if (row.get("PHA_ATC_C03") or "").strip():
            level2[row["PHA_ATC_C03"].strip().upper()] = (row.get("PHA_ATC_L03") or "").strip()
        boxes.append((cip13, row))
    yield from _atc_levels(atc, level2)
    products: set[str] = set()
    for cip13, row in boxes:
        substance = (row["PHA_NOM_PA"] or "").strip()
        name = (row["PHA_MED_NOM"] or "").strip()
        code7 = (row["PHA_ATC_C07"] or "").strip().upper()
        product = product_code(name, code7)
        if product not in products:
            products.add(product)
            yield Code(System.CIP13, product, product_name(name), parent=code7, level=5,
                       words=substance, extra={"substance": substance})  # fmt: skip
        yield Code(
            System.CIP13, cip13, name, parent=product, level=6,
            words=f"{(row['PHA_PRS_IDE'] or '').strip()} {substance}",
            extra={"cip7": (row["PHA_PRS_IDE"] or "").strip(), "substance": substance},
        )  # fmt: skip


def product_name(box_name: str) -> str:
    """The product a box belongs to, named without its pack (IR_PHA_R names a box
    ``PRODUIT DOSAGE FORME BOITE DE N``: what follows `` B/`` or ``BTE`` is the pack)."""
    return re.split(r"\s+(?:B/|BTE\b|BOITE\b|FL/|T/)", box_name, maxsplit=1)[0].strip() or box_name


def product_code(box_name: str, atc: str) -> str:
    """A stable code for the product of an IR_PHA_R box (IR_PHA_R names products but gives
    them no code; the BDPM gives its own, the CIS)."""
    digest = hashlib.sha1(f"{atc}|{fold(product_name(box_name))}".encode()).hexdigest()  # noqa: S324
    return f"PROD-{digest[:10].upper()}"


def _atc_levels(substances: dict[str, str], known: dict[str, str]) -> Iterator[Code]:
    """ATC codes of every level above the substances given (labels where known: the
    anatomical main groups, and the levels IR_PHA_R names)."""
    labels = {**ATC_GROUPS, **{k: v for k, v in known.items() if v}}
    done = set()
    for code7, label in sorted(substances.items()):
        chain = [code7]
        while atc_parent(chain[-1]):
            chain.append(atc_parent(chain[-1]))
        for code in chain:
            if code in done:
                continue
            done.add(code)
            name = label if code == code7 else labels.get(code, code)
            yield Code(System.ATC, code, name, parent=atc_parent(code), level=atc_level(code))


def bdpm_codes(cis: Path, cis_cip: Path, compo: Path) -> Iterator[Code]:
    """BDPM: each box (CIP13) named after its medicinal product, with its substances.
    The BDPM carries no ATC code: the boxes hang under their ATC substance when IR_PHA_R
    (or a loaded OMOP vocabulary) knows it; here they are found by name and substance."""
    names = {}
    for _line, fields in _bdpm(cis, BDPM_FILES["cis"][1]):
        names[fields[0]] = fields[1]
    substances: dict[str, set[str]] = {}
    for _line, fields in _bdpm(compo, BDPM_FILES["compo"][1]):
        substances.setdefault(fields[0], set()).add(fields[3])
    products: set[str] = set()
    for line, fields in _bdpm(cis_cip, BDPM_FILES["cis_cip"][1]):
        product, cip7, cip13 = fields[0], fields[1], fields[6]
        if not re.fullmatch(r"\d{13}", cip13):
            raise ReferentialError("bad_cip13", file=cis_cip.name, line=line, value=cip13)
        subs = " ".join(sorted(substances.get(product, ())))
        if product not in products:
            products.add(product)
            yield Code(System.CIP13, f"PROD-{product}", names.get(product, product), level=5,
                       words=subs, extra={"cis": product, "substance": subs})  # fmt: skip
        yield Code(
            System.CIP13, cip13, f"{names.get(product, product)} — {fields[2]}", level=6,
            parent=f"PROD-{product}", words=f"{cip7} {subs}",
            extra={"cip7": cip7, "cis": product, "substance": subs},
        )  # fmt: skip


def _bdpm(path: Path, min_fields: int) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise ReferentialError("not_text", file=path.name, expected=f"BDPM {path.name}")
    try:  # the ANSM publishes Windows-1252; a re-saved UTF-8 copy reads as well
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    for line, record in enumerate(io.StringIO(text), start=1):
        record = record.rstrip("\r\n")
        if not record:
            continue
        fields = [f.strip() for f in record.split("\t")]
        if len(fields) < min_fields:
            raise ReferentialError(
                "bdpm_wrong_format", file=path.name, line=line, expected=min_fields,
                found=len(fields),
            )  # fmt: skip
        yield line, fields


# OMOP vocabularies whose concepts stand for codes of these systems
OMOP_VOCABULARIES = {"CIM10": System.CIM10, "CCAM": System.CCAM, "ATC": System.ATC,
                     "BDPM": System.CIP13}  # fmt: skip


def omop_codes(concepts, cip13_of) -> Iterator[Code]:
    """Codes of an OMOP vocabulary's concepts (CIM10 in Athena's dotted form, BDPM boxes by
    their CIP7 or CIP13), placed in the hierarchies above; ``cip13_of`` turns a CIP7 into
    its CIP13."""
    blocks = cim10_blocks()
    for c in concepts:
        system = OMOP_VOCABULARIES.get(c["vocabulary_id"])
        code = (c["concept_code"] or "").strip().upper().replace(".", "")
        label = (c["concept_name"] or "").strip()
        extra = {"concept_id": c["concept_id"]}
        if not system or not code:
            continue
        if system == System.CIM10:
            if len(code) == 3:
                block = next((f"{f}-{la}" for f, la, _t in blocks if f <= code <= la), "")
                yield Code(system, code, label, parent=block, level=2, extra=extra)
            else:
                yield Code(system, code, label, parent=code[:3], level=3, extra=extra,
                           words=f"{code[:3]}.{code[3:]}")  # fmt: skip
        elif system == System.CCAM:
            parent = f"CHAP-{code[0]}" if code[0] in CCAM_CHAPTERS else ""
            yield Code(system, code, label, parent=parent, level=1, extra=extra)
        elif system == System.ATC:
            yield Code(system, code, label, parent=atc_parent(code), level=atc_level(code),
                       extra=extra)  # fmt: skip
        elif re.fullmatch(r"\d{7}|\d{13}", code):
            box = code if len(code) == 13 else cip13_of(code)
            yield Code(system, box, label, level=6, words=box[5:12],
                       extra={**extra, "cip7": box[5:12]})  # fmt: skip


def shipped_codes() -> Iterator[Code]:
    """Every referential the portal ships (the drug ones come with an import)."""
    yield from cim10_codes()
    yield from ccam_codes()
    yield from ngap_codes()
    yield from nabm_codes()
    yield from lpp_codes()
