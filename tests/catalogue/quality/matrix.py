"""Every URL of the quality app: results are public, the data team writes."""

from tests.access import Case, staff_only, url

DATA = staff_only(["data"])
API_DATA = staff_only(["data"], api=True)


def _profiled(cast):
    from catalogue.quality.services import data_file_attach, profiling_run_inline
    from tests.catalogue.quality.factories import ir_ben_r, write_data

    table = ir_ben_r()
    write_data()
    data_file = data_file_attach(table=table, by=cast.data, path="IR_BEN_R.csv")
    run = profiling_run_inline(data_file=data_file, by=cast.data)
    return {"run": run, "table": table, "file": data_file, "variable": table.variables.first()}


# The pages and API of a profiled IR_BEN_R: (path, answers, URL name)
PROFILED = [
    ("/catalogue/qualite/profilages/{run.pk}/", DATA, "quality:run"),
    ("/catalogue/qualite/profiler/SNDS/IR_BEN_R/", DATA, "quality:profile"),
    ("/catalogue/qualite/regles/SNDS/IR_BEN_R/{variable.name}/", DATA, "quality:rules"),
    ("/catalogue/qualite/b/SNDS/", {}, "quality:database"),
    ("/catalogue/qualite/b/SNDS/IR_BEN_R/", {}, "quality:table"),
    ("/catalogue/qualite/b/SNDS/IR_BEN_R/{variable.name}/", {}, "quality:variable"),
    ("/api/catalogue/quality/runs/", {}, "quality_api:run-list"),
    ("/api/catalogue/quality/runs/{run.pk}/", {}, "quality_api:run-detail"),
    ("/api/catalogue/quality/files/", API_DATA, "quality_api:file-list"),
    ("/api/catalogue/quality/files/{file.pk}/", API_DATA, "quality_api:file-detail"),
    ("/api/catalogue/quality/tables/", {}, "quality_api:table-list"),
    ("/api/catalogue/quality/tables/{table.pk}/", {}, "quality_api:table-detail"),
    ("/api/catalogue/quality/variables/{variable.pk}/", {}, "quality_api:variable-detail"),
    ("/api/catalogue/quality/databases/", {}, "quality_api:database-list"),
    ("/api/catalogue/quality/databases/SNDS/", {}, "quality_api:database-detail"),
]

MATRIX = [
    Case("/catalogue/qualite/", DATA, name="quality:home"),
    Case("/catalogue/qualite/b/NOPE/", {}, default=404, name="quality:database"),
    *(Case(url(path), answers, setup=_profiled, name=name) for path, answers, name in PROFILED),
]
