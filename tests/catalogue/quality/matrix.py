"""Every URL of the quality app: results are public, the data team writes."""

from tests.access import Case, staff_only

DATA = staff_only(["data"])
API_DATA = {
    **dict.fromkeys(["anonymous", "alice", "bob", "charlie", "guichet", "cesrees", "projets"], 403)
}


def _profiled(cast):
    from catalogue.quality.services import data_file_attach, profiling_run_inline
    from tests.catalogue.quality.factories import ir_ben_r, write_data

    table = ir_ben_r()
    write_data()
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    return {"run": run, "table": table, "file": data_file, "variable": table.variables.first()}


def _u(path):
    return lambda o: path.format(
        run=o["run"].pk,
        table=o["table"].pk,
        file=o["file"].pk,
        variable=o["variable"].pk,
        vname=o["variable"].name,
    )


MATRIX = [
    Case("/catalogue/qualite/", DATA, name="quality:home"),
    Case(_u("/catalogue/qualite/profilages/{run}/"), DATA, setup=_profiled, name="quality:run"),
    Case(
        _u("/catalogue/qualite/profiler/SNDS/IR_BEN_R/"),
        DATA,
        setup=_profiled,
        name="quality:profile",
    ),
    Case(
        _u("/catalogue/qualite/regles/SNDS/IR_BEN_R/{vname}/"),
        DATA,
        setup=_profiled,
        name="quality:rules",
    ),
    Case(_u("/catalogue/qualite/b/SNDS/"), {}, setup=_profiled, name="quality:database"),
    Case(_u("/catalogue/qualite/b/SNDS/IR_BEN_R/"), {}, setup=_profiled, name="quality:table"),
    Case(
        _u("/catalogue/qualite/b/SNDS/IR_BEN_R/{vname}/"),
        {},
        setup=_profiled,
        name="quality:variable",
    ),
    Case("/catalogue/qualite/b/NOPE/", {}, default=404, name="quality:database"),
    Case(_u("/api/catalogue/quality/runs/"), {}, setup=_profiled, name="quality_api:run-list"),
    Case(
        _u("/api/catalogue/quality/runs/{run}/"), {}, setup=_profiled, name="quality_api:run-detail"
    ),
    Case(
        _u("/api/catalogue/quality/files/"), API_DATA, setup=_profiled, name="quality_api:file-list"
    ),
    Case(
        _u("/api/catalogue/quality/files/{file}/"),
        API_DATA,
        setup=_profiled,
        name="quality_api:file-detail",
    ),
    Case(_u("/api/catalogue/quality/tables/"), {}, setup=_profiled, name="quality_api:table-list"),
    Case(
        _u("/api/catalogue/quality/tables/{table}/"),
        {},
        setup=_profiled,
        name="quality_api:table-detail",
    ),
    Case(
        _u("/api/catalogue/quality/variables/{variable}/"),
        {},
        setup=_profiled,
        name="quality_api:variable-detail",
    ),
    Case(
        _u("/api/catalogue/quality/databases/"),
        {},
        setup=_profiled,
        name="quality_api:database-list",
    ),
    Case(
        _u("/api/catalogue/quality/databases/SNDS/"),
        {},
        setup=_profiled,
        name="quality_api:database-detail",
    ),
]
