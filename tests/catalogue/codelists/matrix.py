"""Code lists: the referentials are public; a list is seen by its author, the staff of the
Guichet and the data team (and the team of its dossier); anyone else gets 404."""

from tests.access import LOGIN, Case, staff_only, url


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


LIST = "/catalogue/listes/{l.pk}/"
API_LIST = "/api/catalogue/code-lists/{l.pk}/"
API_AUTHOR_AND_STAFF = {**AUTHOR_AND_STAFF, "anonymous": 403}

MATRIX = [
    Case("/catalogue/codes/?q=diabete", {}, name="codelists:search", setup=_code),
    Case("/catalogue/codes/CIM10/E11/", {}, name="codelists:code", setup=_code),
    Case("/catalogue/codes/CIM10/XXX/", {}, default=404),
    Case("/catalogue/listes/", SIGNED_IN, name="codelists:index"),
    Case("/catalogue/listes/nouvelle/", SIGNED_IN, name="codelists:create"),
    Case(url(LIST), AUTHOR_AND_STAFF, name="codelists:detail", setup=_list),
    Case(url(LIST + "?version=x"), AUTHOR_AND_STAFF, default=404, setup=_list),
    Case(url(LIST + "modifier/"), AUTHOR_AND_STAFF, name="codelists:edit", setup=_list),
    Case(url(LIST + "export.sql"), AUTHOR_AND_STAFF, name="codelists:export", setup=_list),
    Case(url(LIST + "export.exe"), AUTHOR_AND_STAFF, default=404, setup=_list),
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
    ),
    Case("/api/catalogue/codes/?q=diabete", {}, name="codes-search", setup=_code),
    Case("/api/catalogue/code-lists/", {"anonymous": 403}, name="code-lists-list"),
    Case(url(API_LIST), API_AUTHOR_AND_STAFF, name="code-lists-detail", setup=_list),
    Case(
        url(API_LIST + "expanded/"), API_AUTHOR_AND_STAFF, name="code-lists-expanded", setup=_list
    ),
    Case(
        url(API_LIST + "export/?fmt=sas"),
        API_AUTHOR_AND_STAFF,
        name="code-lists-export",
        setup=_list,
    ),
]
# counting, page and API: no OMOP output is given, 404 for those who may see the list too
MATRIX += [
    Case(url(path), answers, default=404, name=name, method="post", setup=_list)
    for path, answers, name in [
        (LIST + "compter/", AUTHOR_AND_STAFF, "codelists:count"),
        (API_LIST + "count/", API_AUTHOR_AND_STAFF, "code-lists-count"),
    ]
]
