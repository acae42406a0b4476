"""The DCAT-AP 3 / HealthDCAT-AP export is valid against the SHACL shapes written from the
specification (pyshacl), names the HDH as access body and the producer as publisher,
uses EU vocabulary IRIs, and publishes no count about fewer than 10 people."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

import catalogue
from catalogue import demo as catalogue_demo
from catalogue.exports import DQV, HEALTHDCATAP
from catalogue.models import Database, Table
from catalogue.quality.services import data_file_attach, profiling_run_inline
from tests.catalogue.quality.factories import write_data

SHAPES = Graph().parse(Path(catalogue.__file__).parent / "shapes" / "healthdcatap.ttl")
EU = "http://publications.europa.eu/resource/authority/"
SNDS = URIRef("http://testserver/catalogue/b/SNDS/")


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _report, text = validate(graph, shacl_graph=SHAPES, advanced=True, inference="none")
    return ok, text


@pytest.fixture
def snds(db, cast):
    catalogue_demo.seed(users={"data": cast.data}, stdout=__import__("io").StringIO())
    table = Table.objects.get(database__acronym="SNDS", name="IR_BEN_R")
    lines = [f"{i:017d};1;{1930 + i % 80};{1 + i % 2}" for i in range(300)]
    write_data("ben.csv", lines, header="BEN_NIR_PSA;BEN_RNG_GEM;BEN_NAI_ANN;BEN_SEX_COD")
    run = profiling_run_inline(
        data_file=data_file_attach(table=table, by=cast.data, path="ben.csv"), by=cast.data
    )
    assert run.is_published, run.job.error
    Table.objects.filter(pk=table.pk).update(row_count=300)
    Table.objects.filter(database__acronym="SNDS", name="ER_PRS_F").update(row_count=12000)
    return run


def export(client, fmt="ttl", url="/catalogue/dcat"):
    rdf = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    response = client.get(f"{url}.{fmt}")
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=rdf)


def test_every_format_conforms_to_the_healthdcatap_shapes(snds, client):
    Database.objects.create(acronym="EGB", name="Échantillon généraliste des bénéficiaires")
    for fmt in ("ttl", "jsonld", "rdf"):
        ok, text = conforms(export(client, fmt))
        assert ok, (fmt, text)


def test_the_hdh_is_the_access_body_and_the_producer_the_publisher(snds, client):
    g = export(client)
    hdab = g.value(SNDS, HEALTHDCATAP.hdab)
    assert hdab == URIRef("https://www.health-data-hub.fr/")
    assert "Health Data Hub" in str(g.value(hdab, FOAF.name))
    publisher = g.value(SNDS, DCTERMS.publisher)
    assert "CNAM" in str(g.value(publisher, FOAF.name))
    assert publisher != hdab


def test_themes_licence_access_frequency_and_language_are_eu_vocabulary_iris(snds, client):
    g = export(client)
    assert URIRef(f"{EU}data-theme/HEAL") in set(g.objects(SNDS, DCAT.theme))
    assert all(isinstance(t, URIRef) for t in g.objects(SNDS, DCAT.theme))
    assert g.value(SNDS, DCTERMS.accessRights) == URIRef(f"{EU}access-right/RESTRICTED")
    assert g.value(SNDS, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/MONTHLY")
    assert g.value(SNDS, DCTERMS.language) == URIRef(f"{EU}language/FRA")
    dist = g.value(SNDS, DCAT.distribution)
    assert g.value(dist, DCTERMS.license) == URIRef(f"{EU}licence/CC_BY_4_0")


def test_counts_ages_coding_systems_legal_basis_and_quality_are_published(snds, client):
    g = export(client)
    assert g.value(SNDS, HEALTHDCATAP.numberOfRecords) == Literal(
        12300, datatype=XSD.nonNegativeInteger
    )
    assert g.value(SNDS, HEALTHDCATAP.numberOfUniqueIndividuals).toPython() == 300
    low = g.value(SNDS, HEALTHDCATAP.minTypicalAge).toPython()
    high = g.value(SNDS, HEALTHDCATAP.maxTypicalAge).toPython()
    # born 1930-2009, ages at the end of the coverage (2024): 15 to 94, by 5-year bands
    assert low == 15 and high == 94
    systems = {
        str(g.value(s, DCTERMS.title)) for s in g.objects(SNDS, HEALTHDCATAP.hasCodingSystem)
    }
    assert {"CIM-10 (ICD-10)", "CCAM"} <= systems
    assert URIRef("https://w3id.org/dpv/legal/eu/gdpr#A6-1-e") in set(
        g.objects(SNDS, URIRef("https://w3id.org/dpv#hasLegalBasis"))
    )
    measures = list(g.objects(SNDS, DQV.hasQualityMeasurement))
    assert len(measures) >= 3
    completeness = [
        m for m in measures if str(g.value(m, DQV.isMeasurementOf)).endswith("#completeness")
    ]
    assert g.value(completeness[0], DQV.value).toPython() == snds.completeness


def test_counts_below_ten_are_left_out(db, client):
    database = Database.objects.create(acronym="RARE", name="Maladie rare", description="x")
    Table.objects.create(database=database, name="T", row_count=7)
    g = export(client, url="/catalogue/b/RARE/dcat")
    ds = URIRef("http://testserver/catalogue/b/RARE/")
    assert g.value(ds, HEALTHDCATAP.numberOfRecords) is None
    ok, text = conforms(g)
    assert ok, text


def test_the_shapes_catch_what_the_specification_forbids(snds, client):
    g = export(client)
    g.add(
        (SNDS, HEALTHDCATAP.numberOfUniqueIndividuals, Literal(4, datatype=XSD.nonNegativeInteger))
    )
    g.add((SNDS, DCAT.theme, Literal("Santé", lang="fr")))
    g.remove((SNDS, HEALTHDCATAP.hdab, None))
    ok, text = conforms(g)
    assert not ok
    assert "small-cell" in text and "data-theme" in text and "hdab" in text
    g2 = export(client)
    g2.set((SNDS, HEALTHDCATAP.minTypicalAge, Literal(120, datatype=XSD.nonNegativeInteger)))
    assert not conforms(g2)[0]


def test_an_omop_output_publishes_its_persons_and_ages_from_the_birth_years(db, cast, client):
    from catalogue.models import Variable

    database = Database.objects.create(
        acronym="OMOP-DEMO", name="OMOP CDM", description="Sortie OMOP", coverage_end=2015
    )
    person = Table.objects.create(database=database, name="person")
    for position, (name, type_) in enumerate(
        [("person_id", "integer"), ("gender_concept_id", "integer"), ("year_of_birth", "integer")]
    ):
        Variable.objects.create(
            table=person, name=name, type=type_, position=position, constraints={"required": True}
        )
    lines = [f"{i};{8507 if i % 2 else 8532};{1950 + i % 40}" for i in range(120)]
    write_data("person.csv", lines, header="person_id;gender_concept_id;year_of_birth")
    run = profiling_run_inline(
        data_file=data_file_attach(table=person, by=cast.data, path="person.csv"), by=cast.data
    )
    assert run.is_published, run.job.error
    g = export(client, url="/catalogue/b/OMOP-DEMO/dcat")
    ds = URIRef("http://testserver/catalogue/b/OMOP-DEMO/")
    assert g.value(ds, HEALTHDCATAP.numberOfUniqueIndividuals).toPython() == 120
    # born 1950-1989, coarsened to 5-year bands, at the end of 2015: 26 to 65
    assert g.value(ds, HEALTHDCATAP.minTypicalAge).toPython() == 26
    assert g.value(ds, HEALTHDCATAP.maxTypicalAge).toPython() == 65
    assert conforms(g)[0]
