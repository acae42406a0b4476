"""Catalogue pages say who used the data: dossiers of the public directory that requested
it, publications of the SNDS corpus tagged with its component; a variable page lists the
other tables where the same variable appears."""

import pytest

from access_requests import services as dossier_services
from bibliometrics.models import SndsComponent
from tests.access_requests.factories import advance, make_draft
from tests.bibliometrics.factories import PublicationFactory
from tests.catalogue.factories import TableFactory, VariableFactory


@pytest.fixture
def prs(db):
    return TableFactory(name="ER_PRS_F", product="DCIR", title="Prestations")


def dossier_requesting(cast, table, *, title, submit=True):
    dossier = make_draft(cast.alice, title=title)
    dossier_services.requested_data_add(
        dossier=dossier, by=cast.alice, table=table, justification="Soins de ville."
    )
    return advance(dossier, cast, "submitted") if submit else dossier


def test_a_table_page_counts_the_dossiers_that_requested_it_and_links_the_directory(
    prs, cast, client
):
    submitted = dossier_requesting(cast, prs, title="Parcours après AVC")
    dossier_requesting(cast, prs, title="Brouillon secret", submit=False)
    page = client.get(prs.get_absolute_url()).content.decode()
    assert "1 projet l&#x27;a demandée" in page or "1 projet l'a demandée" in page
    assert f"/dossiers/repertoire/{submitted.reference}/" in page
    assert "Brouillon secret" not in page  # a draft is not in the public directory
    database_page = client.get(prs.database.get_absolute_url()).content.decode()
    assert f"/dossiers/repertoire/{submitted.reference}/" in database_page


def test_pages_list_the_publications_tagged_with_the_tables_component(prs, client):
    dcir = SndsComponent.objects.get(code="DCIR")
    used = PublicationFactory(title="Antibiotiques en ville")
    used.components.add(dcir)
    hidden = PublicationFactory(title="Rejetée par les curateurs", relevant=False)
    hidden.components.add(dcir)
    other = PublicationFactory(title="Séjours MCO")
    other.components.add(SndsComponent.objects.get(code="PMSI_MCO"))
    page = client.get(prs.get_absolute_url()).content.decode()
    assert "Antibiotiques en ville" in page and used.get_absolute_url() in page
    assert "Rejetée par les curateurs" not in page
    assert "Séjours MCO" not in page
    variable = VariableFactory(table=prs, name="PRS_NAT_REF")
    assert "Antibiotiques en ville" in client.get(variable.get_absolute_url()).content.decode()


def test_the_variable_page_lists_the_other_tables_with_the_same_variable(prs, client):
    here = VariableFactory(table=prs, name="BEN_NIR_PSA")
    ben = TableFactory(name="IR_BEN_R", product="BENEFICIAIRE")
    VariableFactory(table=ben, name="BEN_NIR_PSA")
    extract = TableFactory(name="EXTRACTION_PROJET", product="")
    VariableFactory(table=extract, name="NUM_ENQ")  # the same person, as in extractions
    VariableFactory(table=ben, name="BEN_SEX_COD")
    page = client.get(here.get_absolute_url()).content.decode()
    assert "IR_BEN_R.BEN_NIR_PSA" in page
    assert "EXTRACTION_PROJET.NUM_ENQ" in page
    assert (
        "BEN_SEX_COD"
        not in page.split('data-testid="variable-elsewhere"')[1].split("</section>")[0]
    )
    alone = VariableFactory(table=prs, name="PRS_ACT_QTE")
    assert "aucune autre table" in client.get(alone.get_absolute_url()).content.decode()


def test_a_projects_public_page_links_the_tables_it_uses(prs, cast, client):
    dossier = dossier_requesting(cast, prs, title="Parcours après AVC")
    page = client.get(f"/dossiers/repertoire/{dossier.reference}/").content.decode()
    assert prs.get_absolute_url() in page and "ER_PRS_F" in page
