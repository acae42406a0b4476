from django.utils import timezone

from tests.access import Case, staff_only, url

CURATE = staff_only(["data"])


def _catalogue(cast):
    from catalogue.models import ImportRun
    from tests.catalogue.factories import (
        JoinKeyFactory,
        NomenclatureValueFactory,
        TableFactory,
        VariableFactory,
    )

    table = TableFactory(name="IR_BEN_R")
    value = NomenclatureValueFactory(nomenclature__name="IR_SEX_V", code="2", label="Féminin")
    variable = VariableFactory(table=table, name="BEN_SEX_COD", nomenclature=value.nomenclature)
    joined = TableFactory(name="ER_PRS_F")
    JoinKeyFactory(from_table=joined, to_table=table)
    run = ImportRun.objects.create(database=table.database, kind="tableschema")
    return {"run": run, "joined": joined, "variable": variable}


def _partner(cast):
    from catalogue.models import HarvestedDataset, PartnerCatalogue

    partner = PartnerCatalogue.objects.create(name="Findata", slug="findata", url="http://x/")
    dataset = HarvestedDataset.objects.create(
        partner=partner, iri="http://x/d", title="Care register", harvested_at=timezone.now()
    )
    return {"partner": partner, "dataset": dataset}


# The public pages and API of the catalogue that ``_catalogue`` fills: (path, URL name); the
# table of the API's detail is the first of the database, ER_PRS_F
CATALOGUE_PAGES = [
    ("/catalogue/dictionnaire.csv", "catalogue:dictionary"),
    ("/catalogue/schemas/", "catalogue:schemas"),
    ("/catalogue/schemas/SNDS/BENEFICIAIRE/", "catalogue:schema"),
    ("/catalogue/schemas/SNDS/BENEFICIAIRE.svg", "catalogue:schema-svg"),
    ("/catalogue/recherche/?q=sexe", "catalogue:search"),
    ("/catalogue/nomenclatures/", "catalogue:nomenclatures"),
    ("/catalogue/nomenclatures/IR_SEX_V/", "catalogue:nomenclature"),
    ("/catalogue/dcat.ttl", "catalogue:dcat"),
    ("/catalogue/b/SNDS/", "catalogue:database"),
    ("/catalogue/b/SNDS/datapackage.zip", "catalogue:datapackage"),
    ("/catalogue/b/SNDS/dcat.jsonld", "catalogue:database-dcat"),
    ("/catalogue/b/SNDS/variables.csv", "catalogue:variables-export"),
    ("/catalogue/b/SNDS/IR_BEN_R/", "catalogue:table"),
    ("/catalogue/b/SNDS/IR_BEN_R/BEN_SEX_COD/", "catalogue:variable"),
    # API: public read
    ("/api/catalogue/search/?q=sexe", "catalogue-search"),
    ("/api/catalogue/databases/SNDS/", "catalogue-databases-detail"),
    ("/api/catalogue/tables/{joined.pk}/", "catalogue-tables-detail"),
    ("/api/catalogue/variables/{variable.pk}/", "catalogue-variables-detail"),
    ("/api/catalogue/nomenclatures/IR_SEX_V/", "catalogue-nomenclatures-detail"),
    ("/api/catalogue/values/?nomenclature__name=IR_SEX_V", "catalogue-values-detail"),
]
MATRIX = [Case(url(path), {}, name=name, setup=_catalogue) for path, name in CATALOGUE_PAGES]

MATRIX += [
    Case("/catalogue/partenaires/", {}, name="catalogue:partners", setup=_partner),
    Case("/catalogue/partenaires/findata/", {}, name="catalogue:partner", setup=_partner),
    Case(
        url("/catalogue/partenaires/findata/{dataset.pk}/"),
        {},
        name="catalogue:partner-dataset",
        setup=_partner,
    ),
    Case("/catalogue/gestion/partenaires/", CURATE, name="catalogue:partner-manage"),
    Case(
        url("/catalogue/gestion/partenaires/{partner.pk}/collecter/"),
        staff_only(["data"], ok=302),
        name="catalogue:partner-harvest",
        method="post",
        setup=_partner,
    ),
    Case("/catalogue/", {}, name="catalogue:home"),
    Case("/catalogue/gestion/", CURATE, name="catalogue:manage"),
    Case(
        url("/catalogue/gestion/imports/{run.pk}/"),
        CURATE,
        name="catalogue:import-detail",
        setup=_catalogue,
    ),
    Case("/catalogue/gestion/fichiers/tables/", CURATE, name="catalogue:file-import"),
    Case("/catalogue/b/NOPE/", {}, default=404, name="catalogue:database-missing"),
    # API: the root lists the endpoints
    Case("/api/catalogue/", {}, name="api-root"),
    Case("/api/catalogue/databases/", {}, name="catalogue-databases-list"),
    Case("/api/catalogue/tables/", {}, name="catalogue-tables-list"),
    Case("/api/catalogue/variables/", {}, name="catalogue-variables-list"),
    Case("/api/catalogue/nomenclatures/", {}, name="catalogue-nomenclatures-list"),
    Case("/api/catalogue/values/", {}, name="catalogue-values-list"),
    Case("/api/catalogue/join-keys/", {}, name="catalogue-join-keys-list"),
    Case("/api/catalogue/join-keys/?to_table_name=IR_BEN_R", {}, name="catalogue-join-keys-detail"),
    # writes: data only (anonymous 403 from DRF)
    Case(
        "/api/catalogue/databases/",
        staff_only(["data"], ok=400, api=True),
        name="catalogue-databases-write",
        method="post",
    ),
]
