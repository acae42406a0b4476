"""Demo data: a real subset of the SNDS schema (MPL-2.0, see fixtures/snds-subset/NOTICE.md)."""

from pathlib import Path

from .models import Database
from .services import tableschema_import

SUBSET = Path(__file__).resolve().parent / "fixtures" / "snds-subset"

SNDS = {
    "name": "Système national des données de santé",
    "description": (
        "Le SNDS chaîne les données de l'Assurance maladie (DCIR), des hôpitaux (PMSI) et "
        "des causes médicales de décès pour près de 99 % de la population résidant en France."
    ),
    "producer": "Caisse nationale de l'Assurance maladie (CNAM)",
    "contact": "contact@health-data-hub.fr",
    "themes": "Santé, Assurance maladie, Hôpital",
    "keywords": "SNDS, DCIR, PMSI, remboursements, séjours hospitaliers",
    "population": "Bénéficiaires de l'Assurance maladie résidant en France",
    "coverage_start": 2006,
    "coverage_end": 2024,
    "update_frequency": Database.UpdateFrequency.MONTHLY,
    "licence": "Accès restreint (articles L. 1461-1 et suivants du code de la santé publique)",
    "documentation": "https://documentation-snds.health-data-hub.fr/",
}


def seed(*, users: dict, stdout) -> None:
    """Import the bundled subset into ``SNDS`` (re-running changes nothing)."""
    run = tableschema_import(
        paths=[SUBSET / "schemas"],
        database="SNDS",
        nomenclatures=SUBSET / "nomenclatures",
        by=users.get("data"),
        database_name=SNDS["name"],
    )
    db = run.database
    changed = [k for k, v in SNDS.items() if not getattr(db, k)]
    for key in changed:
        setattr(db, key, SNDS[key])
    if changed:
        db.save()
    stdout.write(
        f"Catalogue : {run.summary['tables']} tables SNDS, "
        f"{run.summary['nomenclature_values']} valeurs de nomenclature."
    )
