"""Exports: Frictionless Data Package (imports back) and DCAT-AP / HealthDCAT-AP (rdflib)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import PurePosixPath

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from .models import Database, Nomenclature, Table, Variable
from .tableschema import (
    FIELD_COLUMNS,
    TABLE_COLUMNS,
    FieldSpec,
    ForeignKeySpec,
    NomenclatureSpec,
    TableSpec,
    nomenclature_rows,
    nomenclature_schema_dict,
    table_schema_dict,
)

# --- Frictionless Data Package -------------------------------------------------------


def table_spec(table: Table) -> TableSpec:
    """The catalogue's table as a :class:`TableSpec` (what the importer reads back)."""
    columns = {attr: getattr(table, column) for attr, column in TABLE_COLUMNS.items()}
    columns["missing_values"] = table.missing_values or [""]
    return TableSpec(
        name=table.name,
        path="",
        description=table.description,
        primary_key=tuple(table.primary_key),
        foreign_keys=[
            ForeignKeySpec(
                fields=tuple(k.from_columns),
                resource=k.to_table_name,
                reference_fields=tuple(k.to_columns),
            )
            for k in table.keys_out.order_by("id")
        ],
        fields=[
            FieldSpec(
                name=v.name,
                nomenclature=v.nomenclature.name if v.nomenclature_id else "",
                unit=v.unit,
                **{attr: getattr(v, column) for attr, column in FIELD_COLUMNS.items()},
            )
            for v in table.variables.select_related("nomenclature").order_by("position", "name")
        ],
        **columns,
    )


def nomenclature_spec(nom: Nomenclature) -> NomenclatureSpec:
    return NomenclatureSpec(
        name=nom.name,
        path="",
        title=nom.title,
        description=nom.description,
        source=nom.source,
        fields=nom.fields,
        primary_key=tuple(nom.primary_key),
        code_field=nom.code_field,
        label_field=nom.label_field,
        values=[(v.code, v.label, v.extra) for v in nom.values.order_by("position")],
    )


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in "-_ ." else "_" for c in part).strip() or "_"


def datapackage_zip(database: Database) -> bytes:
    """A zip: ``datapackage.json``, one schema per table, the nomenclatures it uses.

    Laid out like ``schema-snds`` (``schemas/<product>/<TABLE>.json``,
    ``nomenclatures/<source>/<NAME>.json|csv``) so that ``import_tableschema`` reads it back.
    """
    tables = list(database.tables.order_by("product", "name"))
    noms = Nomenclature.objects.filter(variables__table__database=database).distinct()
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for table in tables:
            path = PurePosixPath(
                "schemas", _safe(table.product or "_"), f"{_safe(table.name)}.json"
            )
            zf.writestr(
                str(path),
                json.dumps(table_schema_dict(table_spec(table)), ensure_ascii=False, indent=2),
            )
            resources.append(
                {
                    "name": table.name.lower(),
                    "title": table.title,
                    "profile": "tabular-data-resource",
                    "path": f"{table.name}.csv",
                    "schema": str(path),
                }
            )
        for nom in noms.order_by("name"):
            spec = nomenclature_spec(nom)
            base = PurePosixPath("nomenclatures", _safe(nom.source or "_"), _safe(nom.name))
            zf.writestr(
                f"{base}.json",
                json.dumps(nomenclature_schema_dict(spec), ensure_ascii=False, indent=2),
            )
            # Machine-readable Frictionless data, read back by the import with its schema:
            # not neutralised (portal.spreadsheets), which would change the values themselves.
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";", lineterminator="\n")
            writer.writerows(nomenclature_rows(spec))
            zf.writestr(f"{base}.csv", out.getvalue())
        package = {
            "profile": "data-package",
            "name": database.acronym.lower(),
            "title": database.name,
            "description": database.description,
            "licenses": [{"name": database.licence}] if database.licence else [],
            "resources": resources,
        }
        zf.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return buffer.getvalue()


RDFS_LABEL = RDFS.label

# --- DCAT-AP / HealthDCAT-AP ---------------------------------------------------------
#
# DCAT-AP 3 with the HealthDCAT-AP extension, so that an EU health data catalogue (the
# EHDS one, TEHDaS partners) can harvest it. What is claimed here is checked in the tests
# against the SHACL shapes in ``catalogue/shapes/healthdcatap.ttl`` (pyshacl).

HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DPV = Namespace("https://w3id.org/dpv#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = Namespace(f"{EU}frequency/")
DATA_THEME = Namespace(f"{EU}data-theme/")
ACCESS_RIGHT = Namespace(f"{EU}access-right/")
LANGUAGE = Namespace(f"{EU}language/")
LICENCE = Namespace(f"{EU}licence/")
FILE_TYPE = Namespace(f"{EU}file-type/")
FREQUENCIES = {
    "continuous": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annual": "ANNUAL",
    "irregular": "IRREG",
    "never": "NEVER",
}
#: EU data themes by (accent-free, lower-case) words of a database's themes; every
#: database of this catalogue is health data (HEAL) whatever its themes say.
THEMES = {
    "sante": "HEAL",
    "hopital": "HEAL",
    "assurance maladie": "SOCI",
    "population": "SOCI",
    "social": "SOCI",
    "economie": "ECON",
    "environnement": "ENVI",
    "recherche": "TECH",
}
#: The French health data access body (EHDS article 55): the HDH, not the producers.
HDH = {
    "iri": "https://www.health-data-hub.fr/",
    "name": "Health Data Hub (Plateforme des données de santé)",
    "email": "mailto:contact@health-data-hub.fr",
}
#: Applicable legislation (ELI): the EHDS regulation and the GDPR.
LEGISLATION = (
    "http://data.europa.eu/eli/reg/2025/327/oj",
    "http://data.europa.eu/eli/reg/2016/679/oj",
)
#: Legal basis of processing restricted health data (DPV, GDPR): a task in the public
#: interest (art. 6.1.e) and scientific research (art. 9.2.j); the French basis is
#: the public health code, articles L. 1461-1 and following (SNDS).
LEGAL_BASES = (
    "https://w3id.org/dpv/legal/eu/gdpr#A6-1-e",
    "https://w3id.org/dpv/legal/eu/gdpr#A9-2-j",
)
LEGAL_BASIS_NOTE = "Code de la santé publique, articles L. 1461-1 et suivants (SNDS)"
#: Licence of this catalogue's *metadata* (the distributions here are metadata; the data
#: themselves are not licensed, they are accessed through the HDH procedure).
METADATA_LICENCE = LICENCE["CC_BY_4_0"]
#: Coding systems, recognised from the nomenclatures and tables a database uses:
#: (pattern, label, IRI or None for a catalogue page). Wikidata properties for the
#: international ones, as HealthDCAT-AP suggests.
CODING_SYSTEMS = (
    (re.compile(r"CIM|CIM10|ICD"), "CIM-10 (ICD-10)", "https://www.wikidata.org/entity/P494"),
    (re.compile(r"CCAM"), "CCAM", None),
    (re.compile(r"ATC|IR_PHA_R"), "ATC", "https://www.wikidata.org/entity/P267"),
    (re.compile(r"NABM|IR_BIO|ER_BIO_F"), "NABM", None),
    (re.compile(r"UCD"), "UCD", None),
    (re.compile(r"LPP"), "LPP", None),
    (re.compile(r"OMOP|CONCEPT"), "OMOP CDM", "https://ohdsi.github.io/CommonDataModel/"),
)


def _plain(text: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def _themes(db: Database) -> set[str]:
    found = {"HEAL"}
    for theme in db.theme_list:
        for word, code in THEMES.items():
            if word in _plain(theme):
                found.add(code)
    return found


def _coding_systems(db: Database) -> list[tuple[str, str | None, str]]:
    """(label, IRI or None, source name) of the coding systems a database uses."""
    names = set(
        Variable.objects.filter(table__database=db)
        .exclude(nomenclature_ref="")
        .values_list("nomenclature_ref", flat=True)
    )
    names |= set(db.tables.values_list("name", flat=True))
    if db.themes and "OMOP" in db.themes.upper():
        names.add("OMOP")
    found = []
    for pattern, label, iri in CODING_SYSTEMS:
        source = sorted(n for n in names if pattern.search(n.upper()))
        if source:
            found.append((label, iri, source[0].split(":")[0]))
    return found


def _profiles(db: Database) -> list:
    from .quality.selectors import latest_runs_of

    return latest_runs_of(db)


def _birth_year_ages(run) -> tuple[int, int] | None:
    """Ages from the published (5-year, coarsened) extremes of a birth-year variable, at
    the profile's reference date: for tables without a pyramid (OMOP codes sex as
    concepts)."""
    reference = (run.result or {}).get("reference_date")
    if not reference:
        return None
    year = int(str(reference)[:4])
    for result in run.variable_results.all():
        stats = result.data.get("stats") or {}
        if result.data.get("kind") != "birth_year" or not stats.get("min"):
            continue
        try:
            first = int(str(stats["min"]).split("–")[0])
            last = int(str(stats["max"]).split("–")[-1])
        except ValueError:
            continue
        return max(0, year - last), max(0, year - first)
    return None


def _age_range(runs) -> tuple[int, int] | None:
    """Youngest and oldest ages of the published pyramids (bands with anyone in them), or
    of the coarsened birth years when no table has a pyramid."""
    low, high = None, None
    for run in runs:
        bands = ((run.result or {}).get("pyramid") or {}).get("bands") or []
        for i, band in enumerate(bands):
            if not (band.get("male_count") or band.get("female_count")):
                continue
            top = bands[i + 1]["age_min"] - 1 if i + 1 < len(bands) else band["age_min"] + 4
            low = band["age_min"] if low is None else min(low, band["age_min"])
            high = top if high is None else max(high, top)
    if low is None:
        for run in runs:
            ages = _birth_year_ages(run)
            if ages:
                low = ages[0] if low is None else min(low, ages[0])
                high = ages[1] if high is None else max(high, ages[1])
    return (low, high) if low is not None else None


def _individuals(runs, threshold: int) -> int | None:
    """Distinct persons: the most distinct person identifiers a published profile counts,
    ``None`` below the small-cell threshold."""
    best = None
    for run in runs:
        for result in run.variable_results.all():
            if result.data.get("kind") == "person_id":
                n = result.data.get("distinct_values")
                if isinstance(n, int) and (best is None or n > best):
                    best = n
    return best if best is not None and best >= threshold else None


def _records(db: Database, threshold: int) -> int | None:
    counts = [c for c in db.tables.values_list("row_count", flat=True) if c is not None]
    total = sum(counts)
    return total if counts and total >= threshold else None


def _nonneg(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.nonNegativeInteger)


def dcat_graph(databases, *, base_url: str, small_cell_threshold: int = 10) -> Graph:
    """A DCAT-AP 3 / HealthDCAT-AP graph: one ``dcat:Catalog``, one ``dcat:Dataset`` per
    database, the HDH as health data access body, the producer as publisher, EU
    vocabulary IRIs, counts (omitted below ``small_cell_threshold``), age range, coding
    systems, legal basis and DQV quality measures from the published profiles."""
    base = base_url.rstrip("/")
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("healthdcatap", HEALTHDCATAP),
        ("dcatap", DCATAP),
        ("dpv", DPV),
        ("dqv", DQV),
        ("prov", PROV),
        ("skos", SKOS),
        ("adms", ADMS),
    ):
        g.bind(prefix, ns)
    hdh = URIRef(HDH["iri"])
    g.add((hdh, RDF.type, FOAF.Organization))
    g.add((hdh, RDF.type, FOAF.Agent))
    g.add((hdh, FOAF.name, Literal(HDH["name"], lang="fr")))
    g.add((hdh, FOAF.homepage, hdh))
    g.add((hdh, FOAF.mbox, URIRef(HDH["email"])))
    catalog = URIRef(f"{base}/catalogue/")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Catalogue du Health Data Hub", lang="fr")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Métadonnées des bases de données de santé accessibles via le HDH.", lang="fr"),
        )
    )
    g.add((catalog, DCTERMS.publisher, hdh))
    g.add((catalog, DCTERMS.language, LANGUAGE.FRA))
    g.add((catalog, FOAF.homepage, catalog))
    g.add((catalog, DCTERMS.license, METADATA_LICENCE))
    metrics = {}
    for dim, label in (
        ("completeness", "Complétude"),
        ("conformance", "Conformité"),
        ("plausibility", "Plausibilité"),
        ("overall", "Score global"),
    ):
        metric = URIRef(f"{base}/catalogue/qualite/#{dim}")
        g.add((metric, RDF.type, DQV.Metric))
        g.add((metric, SKOS.prefLabel, Literal(label, lang="fr")))
        g.add(
            (
                metric,
                SKOS.definition,
                Literal(
                    f"{label} (cadre de Kahn), en pourcentage, du profilage publié.", lang="fr"
                ),
            )
        )
        metrics[dim] = metric
    for db in databases:
        _dataset(g, db, catalog, hdh, metrics, base, small_cell_threshold)
    return g


def _dataset(g, db, catalog, hdh, metrics, base, threshold) -> None:
    ds = URIRef(f"{base}{db.get_absolute_url()}")
    g.add((catalog, DCAT.dataset, ds))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.identifier, Literal(db.acronym)))
    g.add((ds, DCTERMS.title, Literal(db.name, lang="fr")))
    g.add((ds, DCTERMS.description, Literal(db.description or db.name, lang="fr")))
    g.add((ds, DCAT.landingPage, ds))
    g.add((ds, DCTERMS.language, LANGUAGE.FRA))
    for kw in [*db.keyword_list, *db.theme_list]:
        g.add((ds, DCAT.keyword, Literal(kw, lang="fr")))
    for code in sorted(_themes(db)):
        g.add((ds, DCAT.theme, DATA_THEME[code]))
    # The producer publishes; the HDH is the body through which access is granted.
    publisher = URIRef(f"{ds}#producteur")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(db.producer or HDH["name"], lang="fr")))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, HEALTHDCATAP.hdab, hdh))
    g.add((ds, DCTERMS.accessRights, ACCESS_RIGHT.RESTRICTED))
    for eli in LEGISLATION:
        g.add((ds, DCATAP.applicableLegislation, URIRef(eli)))
    for basis in LEGAL_BASES:
        g.add((ds, DPV.hasLegalBasis, URIRef(basis)))
    if db.licence:
        rights = URIRef(f"{ds}#droits")
        g.add((rights, RDF.type, DCTERMS.RightsStatement))
        g.add((rights, RDFS_LABEL, Literal(db.licence, lang="fr")))
        g.add((ds, DCTERMS.rights, rights))
    note = URIRef(f"{ds}#base-legale")
    g.add((note, RDF.type, DCTERMS.RightsStatement))
    g.add((note, RDFS_LABEL, Literal(LEGAL_BASIS_NOTE, lang="fr")))
    g.add((ds, DCTERMS.rights, note))
    contact = URIRef(f"{ds}#contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal(db.contact or HDH["name"])))
    email = db.contact if "@" in (db.contact or "") else HDH["email"]
    g.add(
        (
            contact,
            VCARD.hasEmail,
            URIRef(email if email.startswith("mailto:") else f"mailto:{email}"),
        )
    )
    g.add((ds, DCAT.contactPoint, contact))
    if db.coverage_start or db.coverage_end:
        period = URIRef(f"{ds}#couverture")
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if db.coverage_start:
            g.add(
                (period, DCAT.startDate, Literal(f"{db.coverage_start}-01-01", datatype=XSD.date))
            )
        if db.coverage_end:
            g.add((period, DCAT.endDate, Literal(f"{db.coverage_end}-12-31", datatype=XSD.date)))
        g.add((ds, DCTERMS.temporal, period))
    if db.update_frequency in FREQUENCIES:
        g.add((ds, DCTERMS.accrualPeriodicity, FREQUENCY[FREQUENCIES[db.update_frequency]]))
    if db.population:
        g.add((ds, HEALTHDCATAP.populationCoverage, Literal(db.population, lang="fr")))
    for url in db.documentation_links:
        g.add((ds, FOAF.page, URIRef(url)))
    for label, iri, source in _coding_systems(db):
        system = URIRef(iri) if iri else URIRef(f"{base}/catalogue/nomenclatures/{source}/")
        g.add((system, RDF.type, DCTERMS.Standard))
        g.add((system, DCTERMS.title, Literal(label)))
        g.add((ds, HEALTHDCATAP.hasCodingSystem, system))
    records = _records(db, threshold)
    if records is not None:
        g.add((ds, HEALTHDCATAP.numberOfRecords, _nonneg(records)))
    runs = _profiles(db)
    individuals = _individuals(runs, threshold)
    if individuals is not None:
        g.add((ds, HEALTHDCATAP.numberOfUniqueIndividuals, _nonneg(individuals)))
    ages = _age_range(runs)
    if ages:
        g.add((ds, HEALTHDCATAP.minTypicalAge, _nonneg(ages[0])))
        g.add((ds, HEALTHDCATAP.maxTypicalAge, _nonneg(ages[1])))
    for run in runs:
        table_iri = URIRef(f"{base}{run.table.get_absolute_url()}")
        for dim, metric in metrics.items():
            value = getattr(run, dim)
            if value is None:
                continue
            measure = URIRef(f"{base}{run.get_absolute_url()}#{dim}")
            g.add((measure, RDF.type, DQV.QualityMeasurement))
            g.add((measure, DQV.isMeasurementOf, metric))
            g.add((measure, DQV.computedOn, table_iri))
            g.add((measure, DQV.value, Literal(round(float(value), 1), datatype=XSD.double)))
            g.add((measure, PROV.generatedAtTime, Literal(run.published_at, datatype=XSD.dateTime)))
            g.add((ds, DQV.hasQualityMeasurement, measure))
    dist = URIRef(f"{ds}datapackage.zip")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("Frictionless Data Package (métadonnées)", lang="fr")))
    g.add((dist, DCAT.accessURL, dist))
    g.add((dist, DCAT.downloadURL, dist))
    g.add((dist, DCTERMS.license, METADATA_LICENCE))
    g.add((dist, DCTERMS.format, FILE_TYPE.ZIP))
    g.add(
        (
            dist,
            DCAT.mediaType,
            URIRef("http://www.iana.org/assignments/media-types/application/zip"),
        )
    )
