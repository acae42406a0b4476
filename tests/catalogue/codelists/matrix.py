"""Code lists: the referentials are public; a list is seen by its author, the staff of the
Guichet and the data team (and the team of its dossier); anyone else gets 404."""

from tests.access import LOGIN, Case, staff_only


def _code(cast):
    from catalogue.codelists.models import ReferentialCode

    ReferentialCode.objects.create(system="CIM10", code="E11", label="Diabète de type 2",
                                   source="matrice")  # fmt: skip
    return {}


def _list(cast):
    from catalogue.codelists.models import CodeList, CodeListItem, CodeListVersion

    code_list = CodeList.objects.create(name="Liste d'Alice", author=cast.alice)
    version = CodeListVersion.objects.create(code_list=code_list, number=1, created_by=cast.alice)
    CodeListItem.objects.create(version=version, system="CIM10", code="E11")
    return {"l": code_list}


SIGNED_IN = {"anonymous": LOGIN}
AUTHOR_AND_STAFF = {"anonymous": LOGIN, "bob": 404, "charlie": 404, "cesrees": 404,
                    "projets": 404}  # fmt: skip


def _url(suffix):
    return lambda o: f"/catalogue/listes/{o['l'].pk}/{suffix}"


MATRIX = [
    Case("/catalogue/codes/?q=diabete", {}, name="codelists:search", setup=_code),
    Case("/catalogue/codes/CIM10/E11/", {}, name="codelists:code", setup=_code),
    Case("/catalogue/codes/CIM10/XXX/", {}, default=404),
    Case("/catalogue/listes/", SIGNED_IN, name="codelists:index"),
    Case("/catalogue/listes/nouvelle/", SIGNED_IN, name="codelists:create"),
    Case(_url(""), AUTHOR_AND_STAFF, name="codelists:detail", setup=_list),
    Case(_url("?version=x"), {**AUTHOR_AND_STAFF}, default=404, setup=_list),
    Case(_url("modifier/"), AUTHOR_AND_STAFF, name="codelists:edit", setup=_list),
    Case(_url("export.sql"), AUTHOR_AND_STAFF, name="codelists:export", setup=_list),
    Case(_url("export.exe"), {**AUTHOR_AND_STAFF}, default=404, setup=_list),
    Case("/catalogue/referentiels/importer/", staff_only(["data"]), name="codelists:import"),
    # only the author (or a member of the list's dossier) adds codes to a list; an empty
    # choice is a 404 too
    Case(
        "/catalogue/listes/ajouter/",
        {"anonymous": LOGIN, "alice": 302},
        default=404,
        name="codelists:add",
        method="post",
        setup=_list,
        data=lambda o: {"list": o["l"].pk, "codes": "CIM10:E11"},
    ),  # fmt: skip
    # no OMOP output is given: 404 for those who may see the list too
    Case(
        _url("compter/"),
        {**AUTHOR_AND_STAFF},
        default=404,
        name="codelists:count",
        method="post",
        setup=_list,
    ),  # fmt: skip
]

MATRIX += [
    Case("/api/catalogue/codes/?q=diabete", {}, name="codes-search", setup=_code),
    Case("/api/catalogue/code-lists/", {"anonymous": 403}, name="code-lists-list"),
    Case(
        lambda o: f"/api/catalogue/code-lists/{o['l'].pk}/",
        {**AUTHOR_AND_STAFF, "anonymous": 403},
        name="code-lists-detail",
        setup=_list,
    ),  # fmt: skip
    Case(
        lambda o: f"/api/catalogue/code-lists/{o['l'].pk}/expanded/",
        {**AUTHOR_AND_STAFF, "anonymous": 403},
        name="code-lists-expanded",
        setup=_list,
    ),  # fmt: skip
    Case(
        lambda o: f"/api/catalogue/code-lists/{o['l'].pk}/export/?fmt=sas",
        {**AUTHOR_AND_STAFF, "anonymous": 403},
        name="code-lists-export",
        setup=_list,
    ),  # fmt: skip
    Case(
        lambda o: f"/api/catalogue/code-lists/{o['l'].pk}/count/",
        {**AUTHOR_AND_STAFF, "anonymous": 403},
        default=404,
        name="code-lists-count",
        method="post",
        setup=_list,
    ),  # fmt: skip
]
