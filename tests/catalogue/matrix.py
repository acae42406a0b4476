from django.utils import timezone

from tests.access import LOGIN, Case, staff_only

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
    VariableFactory(table=table, name="BEN_SEX_COD", nomenclature=value.nomenclature)
    JoinKeyFactory(from_table=TableFactory(name="ER_PRS_F"), to_table=table)
    run = ImportRun.objects.create(database=table.database, kind="tableschema")
    return {"run": run}


def _partner(cast):
    from catalogue.models import HarvestedDataset, PartnerCatalogue

    partner = PartnerCatalogue.objects.create(name="Findata", slug="findata", url="http://x/")
    dataset = HarvestedDataset.objects.create(
        partner=partner, iri="http://x/d", title="Care register", harvested_at=timezone.now()
    )
    return {"partner": partner, "dataset": dataset}


MATRIX = [
    Case("/catalogue/dictionnaire.csv", {}, name="catalogue:dictionary", setup=_catalogue),
    Case("/catalogue/schemas/", {}, name="catalogue:schemas", setup=_catalogue),
    Case("/catalogue/schemas/SNDS/BENEFICIAIRE/", {}, name="catalogue:schema", setup=_catalogue),
    Case(
        "/catalogue/schemas/SNDS/BENEFICIAIRE.svg",
        {},
        name="catalogue:schema-svg",
        setup=_catalogue,
    ),
    Case("/catalogue/partenaires/", {}, name="catalogue:partners", setup=_partner),
    Case("/catalogue/partenaires/findata/", {}, name="catalogue:partner", setup=_partner),
    Case(
        lambda o: f"/catalogue/partenaires/findata/{o['dataset'].pk}/",
        {},
        name="catalogue:partner-dataset",
        setup=_partner,
    ),
    Case("/catalogue/gestion/partenaires/", CURATE, name="catalogue:partner-manage"),
    Case(
        lambda o: f"/catalogue/gestion/partenaires/{o['partner'].pk}/collecter/",
        staff_only(["data"], ok=302),
        name="catalogue:partner-harvest",
        method="post",
        setup=_partner,
    ),
    Case("/catalogue/", {}, name="catalogue:home"),
    Case("/catalogue/recherche/?q=sexe", {}, name="catalogue:search", setup=_catalogue),
    Case("/catalogue/nomenclatures/", {}, name="catalogue:nomenclatures", setup=_catalogue),
    Case("/catalogue/nomenclatures/IR_SEX_V/", {}, name="catalogue:nomenclature", setup=_catalogue),
    Case("/catalogue/dcat.ttl", {}, name="catalogue:dcat", setup=_catalogue),
    Case("/catalogue/gestion/", CURATE, name="catalogue:manage"),
    Case(
        lambda o: f"/catalogue/gestion/imports/{o['run'].pk}/",
        CURATE,
        name="catalogue:import-detail",
        setup=_catalogue,
    ),
    Case("/catalogue/gestion/fichiers/tables/", CURATE, name="catalogue:file-import"),
    Case("/catalogue/b/SNDS/", {}, name="catalogue:database", setup=_catalogue),
    Case("/catalogue/b/SNDS/datapackage.zip", {}, name="catalogue:datapackage", setup=_catalogue),
    Case("/catalogue/b/SNDS/dcat.jsonld", {}, name="catalogue:database-dcat", setup=_catalogue),
    Case(
        "/catalogue/b/SNDS/variables.csv", {}, name="catalogue:variables-export", setup=_catalogue
    ),
    Case("/catalogue/b/SNDS/IR_BEN_R/", {}, name="catalogue:table", setup=_catalogue),
    Case(
        "/catalogue/b/SNDS/IR_BEN_R/BEN_SEX_COD/", {}, name="catalogue:variable", setup=_catalogue
    ),
    Case("/catalogue/b/NOPE/", {}, default=404, name="catalogue:database-missing"),
    # API: public read; the root lists the endpoints
    Case("/api/catalogue/", {}, name="api-root"),
    Case("/api/catalogue/search/?q=sexe", {}, name="catalogue-search", setup=_catalogue),
    Case("/api/catalogue/databases/", {}, name="catalogue-databases-list"),
    Case("/api/catalogue/databases/SNDS/", {}, name="catalogue-databases-detail", setup=_catalogue),
    Case("/api/catalogue/tables/", {}, name="catalogue-tables-list"),
    Case(
        lambda o: f"/api/catalogue/tables/{o['run'].database.tables.first().pk}/",
        {},
        name="catalogue-tables-detail",
        setup=_catalogue,
    ),
    Case("/api/catalogue/variables/", {}, name="catalogue-variables-list"),
    Case(
        lambda o: (
            f"/api/catalogue/variables/{o['run'].database.tables.get(name='IR_BEN_R').variables.first().pk}/"
        ),
        {},
        name="catalogue-variables-detail",
        setup=_catalogue,
    ),
    Case("/api/catalogue/nomenclatures/", {}, name="catalogue-nomenclatures-list"),
    Case(
        "/api/catalogue/nomenclatures/IR_SEX_V/",
        {},
        name="catalogue-nomenclatures-detail",
        setup=_catalogue,
    ),
    Case("/api/catalogue/values/", {}, name="catalogue-values-list"),
    Case(
        lambda o: "/api/catalogue/values/?nomenclature__name=IR_SEX_V",
        {},
        name="catalogue-values-detail",
        setup=_catalogue,
    ),
    Case("/api/catalogue/join-keys/", {}, name="catalogue-join-keys-list"),
    Case("/api/catalogue/join-keys/?to_table_name=IR_BEN_R", {}, name="catalogue-join-keys-detail"),
    # writes: data only (anonymous 403 from DRF)
    Case(
        "/api/catalogue/databases/",
        {
            **dict.fromkeys(
                ["anonymous", "alice", "bob", "charlie", "guichet", "cesrees", "projets"], 403
            )
        },
        default=400,
        name="catalogue-databases-write",
        method="post",
    ),
]
_ = LOGIN
