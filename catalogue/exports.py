"""Exports: Frictionless Data Package (imports back) and DCAT-AP / HealthDCAT-AP (rdflib)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import PurePosixPath

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from .models import Database, Nomenclature, Table
from .tableschema import (
    FieldSpec,
    ForeignKeySpec,
    NomenclatureSpec,
    TableSpec,
    nomenclature_rows,
    nomenclature_schema_dict,
    table_schema_dict,
)

HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
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


# --- Frictionless Data Package -------------------------------------------------------


def table_spec(table: Table) -> TableSpec:
    """The catalogue's table as a :class:`TableSpec` (what the importer reads back)."""
    return TableSpec(
        name=table.name,
        path="",
        title=table.title,
        product=table.product,
        description=table.description,
        scope=table.scope,
        observation=table.observations,
        created=table.created,
        deleted=table.deleted,
        date_missing=table.date_missing,
        missing_values=table.missing_values or [""],
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
                type=v.type,
                description=v.description,
                length=v.length,
                format=v.format,
                nomenclature=v.nomenclature.name if v.nomenclature_id else "",
                nomenclature_ref=v.nomenclature_ref,
                created=v.created,
                deleted=v.deleted,
                date_missing=v.date_missing,
                observation=v.observations,
                management_rules=v.management_rules,
                unit=v.unit,
                oracle_type=v.oracle_type,
                constraints=v.constraints,
                extra=v.extra,
            )
            for v in table.variables.select_related("nomenclature").order_by("position", "name")
        ],
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


# --- DCAT-AP / HealthDCAT-AP ---------------------------------------------------------


def dcat_graph(databases, *, base_url: str) -> Graph:
    """A DCAT-AP graph: one ``dcat:Catalog``, one ``dcat:Dataset`` per database."""
    base = base_url.rstrip("/")
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("healthdcatap", HEALTHDCATAP),
        ("adms", ADMS),
    ):
        g.bind(prefix, ns)
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
    for db in databases:
        ds = URIRef(f"{base}{db.get_absolute_url()}")
        g.add((catalog, DCAT.dataset, ds))
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(db.acronym)))
        g.add((ds, DCTERMS.title, Literal(db.name, lang="fr")))
        if db.description:
            g.add((ds, DCTERMS.description, Literal(db.description, lang="fr")))
        g.add((ds, DCAT.landingPage, ds))
        for kw in db.keyword_list:
            g.add((ds, DCAT.keyword, Literal(kw, lang="fr")))
        for theme in db.theme_list:
            g.add((ds, DCAT.theme, Literal(theme, lang="fr")))
            g.add((ds, HEALTHDCATAP.healthTheme, Literal(theme, lang="fr")))
        if db.producer:
            agent = BNode()
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, Literal(db.producer)))
            g.add((ds, DCTERMS.publisher, agent))
            g.add((ds, HEALTHDCATAP.hdab, agent))
        if db.contact:
            contact = BNode()
            g.add((contact, RDF.type, VCARD.Kind))
            g.add((contact, VCARD.fn, Literal(db.contact)))
            g.add((ds, DCAT.contactPoint, contact))
        if db.coverage_start or db.coverage_end:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if db.coverage_start:
                g.add(
                    (
                        period,
                        DCAT.startDate,
                        Literal(f"{db.coverage_start}-01-01", datatype=XSD.date),
                    )
                )
            if db.coverage_end:
                g.add(
                    (period, DCAT.endDate, Literal(f"{db.coverage_end}-12-31", datatype=XSD.date))
                )
            g.add((ds, DCTERMS.temporal, period))
        if db.update_frequency in FREQUENCIES:
            g.add((ds, DCTERMS.accrualPeriodicity, FREQUENCY[FREQUENCIES[db.update_frequency]]))
        if db.population:
            g.add((ds, HEALTHDCATAP.populationCoverage, Literal(db.population, lang="fr")))
        if db.access:
            g.add((ds, DCTERMS.accessRights, Literal(db.access, lang="fr")))
        if db.licence:
            g.add((ds, DCTERMS.license, Literal(db.licence)))
        for url in db.documentation_links:
            g.add((ds, FOAF.page, URIRef(url)))
        if db.quality_protocols:
            g.add((ds, DCTERMS.conformsTo, Literal(db.quality_protocols, lang="fr")))
        dist = URIRef(f"{ds}datapackage.zip")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal("Frictionless Data Package (métadonnées)", lang="fr")))
        g.add((dist, DCAT.accessURL, dist))
        g.add(
            (
                dist,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/application/zip"),
            )
        )
    return g
