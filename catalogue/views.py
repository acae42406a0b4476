"""Public pages of the catalogue, its exports, and the curators' import page."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.pagination import page_numbers
from portal.params import MAX_PAGE, bounded_int
from portal.permissions import capability_required
from portal.roles import Capability, can
from portal.uploads import upload_limit

from . import exports, selectors
from .forms import TableSchemaImportForm
from .graph import Edge, join_figure
from .labels import schema_error_text, type_label
from .models import Database, ImportRun, SearchEntry
from .search import catalogue_search, query_terms
from .services.uploads import tableschema_upload_import
from .tableschema import SchemaErrors


def _last_change(obj):
    """(date, user) of the last recorded change of ``obj`` (django-simple-history)."""
    record = obj.history.select_related("history_user").first()
    return record


def home(request):
    return render(
        request,
        "catalogue/home.html",
        {
            "databases": selectors.databases_with_counts(),
            "can_curate": can(request.user, Capability.CATALOGUE_CURATE),
        },
    )


def _facet_label(key: str, value: str) -> str:
    """Facet values in words: "integer" → "entier", "value" → "valeur de nomenclature"."""
    if key == "kind":
        try:
            return str(SearchEntry.Kind(value).label)
        except ValueError:
            return value
    if key == "type":
        return type_label(value)
    return value


def search(request):
    q = request.GET.get("q", "").strip()
    filters = {k: request.GET.get(k, "") for k in ("database", "product", "type", "kind")}
    sort = "name" if request.GET.get("sort") == "name" else "relevance"
    page = bounded_int(request.GET.get("page"), default=1, maximum=MAX_PAGE)
    per_page = 20
    results = catalogue_search(
        q, **filters, limit=per_page, offset=(page - 1) * per_page, sort=sort
    )
    pages = (results.total + per_page - 1) // per_page

    def link(**change) -> str:
        """This search with ``change`` applied (facets combine; a value set to "" is removed)."""
        params = {"q": q, **filters, "sort": "" if sort == "relevance" else sort, **change}
        return "?" + urlencode({k: v for k, v in params.items() if v})

    facets = [
        (
            key,
            [
                # a chosen value links to the search without it: the tag toggles
                (
                    _facet_label(key, value),
                    n,
                    filters[key] == value,
                    link(**{key: "" if filters[key] == value else value, "page": ""}),
                )
                for value, n in rows
            ],
        )
        for key, rows in results.facets.items()
        if rows
    ]
    active = [
        (key, _facet_label(key, value), link(**{key: "", "page": ""}))
        for key, value in filters.items()
        if value
    ]
    return render(
        request,
        "catalogue/search.html",
        {
            "q": q,
            "results": results,
            "stems": query_terms(q),
            "filters": filters,
            "facets": facets,
            "active": active,
            "sort": sort,
            "sort_links": {
                "relevance": link(sort="", page=""),
                "name": link(sort="name", page=""),
            },
            "suggestion_url": "?" + urlencode({"q": results.suggestion})
            if results.suggestion
            else "",
            "page": page,
            "pages": pages,
            "page_links": [(n, link(page=str(n)) if n else "") for n in page_numbers(page, pages)]
            if pages > 1
            else [],
            "prev_url": link(page=str(page - 1)) if page > 1 else "",
            "next_url": link(page=str(page + 1)) if page < pages else "",
        },
    )


def database_detail(request, acronym):
    database = selectors.database_get(acronym)
    products: dict[str, list] = {}
    for table in selectors.tables_of(database):
        products.setdefault(table.product or _("Autres"), []).append(table)
    return render(
        request,
        "catalogue/database.html",
        {"database": database, "products": products, "last_change": _last_change(database)},
    )


def _shared_key(keys) -> list[str]:
    """The column list most joins of a table use (the DCIR's 9-column flux key), if any.

    The page names it once and says "clé de flux" on each join instead of repeating it.
    """
    counts: dict[tuple[str, ...], int] = {}
    for key in keys:
        columns = tuple(key.from_columns)
        if len(columns) >= 3:
            counts[columns] = counts.get(columns, 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=None)
    return list(best[0]) if best and best[1] >= 2 else []


def table_detail(request, acronym, table):
    table = selectors.table_get(acronym, table)
    keys_out = list(selectors.keys_out(table))
    keys_in = list(selectors.keys_in(table))
    edges, urls = [], {table.name: table.get_absolute_url()}
    for key in keys_out:
        label = ", ".join(key.from_columns)
        if key.renamed:
            label = f"{label} → {', '.join(key.to_columns)}"
        edges.append(Edge(table.name, key.to_table_name, label))
        if key.to_table_id:
            urls[key.to_table_name] = key.to_table.get_absolute_url()
    for key in keys_in:
        edges.append(Edge(key.from_table.name, table.name, ", ".join(key.from_columns)))
        urls[key.from_table.name] = key.from_table.get_absolute_url()
    return render(
        request,
        "catalogue/table.html",
        {
            "table": table,
            "variables": selectors.variables_of(table),
            "keys_out": keys_out,
            "keys_in": keys_in,
            "shared_key": _shared_key([*keys_out, *keys_in]),
            "figure": json.dumps(
                join_figure(
                    table.name,
                    edges,
                    urls,
                    missing_hover=_("{name} (absente du catalogue)"),
                )
            )
            if edges
            else "",
            "last_change": _last_change(table),
        },
    )


def variable_detail(request, acronym, table, variable):
    variable = selectors.variable_get(acronym, table, variable)
    values = None
    if variable.nomenclature_id:
        values = Paginator(variable.nomenclature.values.order_by("position"), 20).get_page(1)
    keys = [
        k
        for k in selectors.variable_keys(variable)
        if (k.from_table_id == variable.table_id and variable.name in k.from_columns)
        or (k.to_table_id == variable.table_id and variable.name in k.to_columns)
    ]
    return render(
        request,
        "catalogue/variable.html",
        {
            "variable": variable,
            "values": values,
            "keys": keys,
            "history": variable.history.select_related("history_user")[:10],
            "last_change": _last_change(variable),
        },
    )


def nomenclature_list(request):
    page = Paginator(selectors.nomenclatures_with_counts(), 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/nomenclatures.html", {"page_obj": page})


def nomenclature_detail(request, name):
    nomenclature = selectors.nomenclature_get(name)
    q = request.GET.get("q", "")
    page = Paginator(selectors.nomenclature_values(nomenclature, q), 50).get_page(
        request.GET.get("page")
    )
    columns = nomenclature.extra_columns
    return render(
        request,
        "catalogue/nomenclature.html",
        {
            "nomenclature": nomenclature,
            "page_obj": page,
            "rows": [(v, [v.extra.get(c, "") for c in columns]) for v in page],
            "q": q,
            "variables": nomenclature.variables.select_related("table__database")[:50],
            "last_change": _last_change(nomenclature),
        },
    )


# --- Exports ------------------------------------------------------------------------


def datapackage_export(request, acronym):
    database = get_object_or_404(Database, acronym=acronym)
    response = HttpResponse(exports.datapackage_zip(database), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{acronym}-datapackage.zip"'
    return response


RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}


def _rdf_response(request, databases, fmt: str, filename: str):
    if fmt not in RDF_FORMATS:
        raise Http404
    rdf_format, content_type = RDF_FORMATS[fmt]
    graph = exports.dcat_graph(
        databases,
        base_url=request.build_absolute_uri("/"),
        small_cell_threshold=settings.SMALL_CELL_THRESHOLD,
    )
    response = HttpResponse(graph.serialize(format=rdf_format), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}.{fmt}"'
    return response


def dcat_catalogue(request, fmt):
    return _rdf_response(request, Database.objects.all(), fmt, "catalogue-dcat")


def dcat_database(request, acronym, fmt):
    database = get_object_or_404(Database, acronym=acronym)
    return _rdf_response(request, [database], fmt, f"{acronym}-dcat")


def variables_export(request, acronym, fmt):
    """Every variable of a database as CSV or XLSX (django-import-export resource)."""
    from .resources import VariableResource

    if fmt not in ("csv", "xlsx"):
        raise Http404
    database = get_object_or_404(Database, acronym=acronym)
    dataset = VariableResource().export(VariableResource.queryset_for(database))
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = dataset.export("xlsx")
    else:
        content_type, body = "text/csv; charset=utf-8", dataset.export("csv")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{acronym}-variables.{fmt}"'
    return response


DICTIONARY_HEADER = [
    "base",
    "produit",
    "table",
    "libelle_table",
    "variable",
    "description",
    "type",
    "longueur",
    "format",
    "nomenclature",
    "reference_nomenclature",
    "unite",
    "creee",
    "supprimee",
]


def dictionary_export(request, fmt):
    """The whole dictionary (every table and variable of every base) in one CSV or XLSX."""
    import tablib

    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [
        [cell if cell is not None else "" for cell in row] for row in selectors.dictionary_rows()
    ]
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        out.write("\ufeff")  # Excel reads UTF-8 CSV only with its BOM
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(DICTIONARY_HEADER)
        writer.writerows(rows)
        body, content_type = out.getvalue(), "text/csv; charset=utf-8"
    else:
        dataset = tablib.Dataset(*rows, headers=DICTIONARY_HEADER, title="dictionnaire")
        body = dataset.export("xlsx")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="dictionnaire-hdh.{fmt}"'
    return response


# --- Schema diagrams ----------------------------------------------------------------


def _product_svg(acronym: str, product: str, *, fit: bool = False):
    from .diagram import Link, Node, schema_svg

    tables = list(selectors.product_tables(acronym, product))
    names = {t.name for t in tables}
    nodes = {t.name: Node(t.name, t.title, t.get_absolute_url()) for t in tables}
    links = []
    for key in selectors.product_keys(tables):
        source, target = key.from_table, key.to_table
        for table in (source, target):
            if table is not None and table.name not in nodes:
                nodes[table.name] = Node(
                    table.name, table.title, table.get_absolute_url(), external=True
                )
        if target is None and key.to_table_name not in nodes:
            nodes[key.to_table_name] = Node(
                key.to_table_name, _("absente du catalogue"), "", external=True
            )
        if source.name not in names and (target is None or target.name not in names):
            continue
        columns = ", ".join(key.from_columns)
        if key.renamed:
            columns = f"{columns} → {', '.join(key.to_columns)}"
        links.append(Link(source.name, key.to_table_name, columns))
    title = _("Schéma %(product)s (%(db)s) : %(n)s tables et leurs clés de jointure") % {
        "product": product,
        "db": acronym,
        "n": len(tables),
    }
    return schema_svg(title, nodes.values(), links, fit=fit), tables, links


def schema_list(request):
    return render(request, "catalogue/schemas.html", {"products": selectors.products()})


def schema_detail(request, acronym, product):
    svg, tables, links = _product_svg(acronym, product, fit=True)
    return render(
        request,
        "catalogue/schema.html",
        {
            "acronym": acronym,
            "product": product,
            "svg": svg,
            "tables": tables,
            "links": links,
            "products": selectors.products(),
        },
    )


def schema_download(request, acronym, product):
    svg, _tables, _links = _product_svg(acronym, product)
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
    )
    filename = "".join(c if c.isalnum() else "-" for c in f"{acronym}-{product}")
    response["Content-Disposition"] = f'attachment; filename="schema-{filename}.svg"'
    return response


# --- Curation -----------------------------------------------------------------------


@capability_required(Capability.CATALOGUE_CURATE)
@upload_limit("CATALOGUE_UPLOAD_MAX_BYTES")
def manage(request):
    form = TableSchemaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = tableschema_upload_import(
                files=form.cleaned_data["files"],
                database=form.cleaned_data["database"],
                strict=form.cleaned_data["strict"],
                by=request.user,
            )
        except SchemaErrors as exc:
            for error in exc.errors[:20]:
                form.add_error(None, schema_error_text(error))
        else:
            if not isinstance(result, ImportRun):  # a background job
                messages.info(request, _("Import lancé en tâche de fond."))
                return redirect(result.get_absolute_url())
            messages.success(request, _("Import terminé."))
            return redirect(reverse("catalogue:import-detail", args=[result.pk]))
    return render(
        request,
        "catalogue/manage.html",
        {
            "form": form,
            "imports": selectors.recent_imports(20),
            "undescribed": selectors.tables_without_description()[:20],
        },
    )


@capability_required(Capability.CATALOGUE_CURATE)
def import_detail(request, pk):
    run = get_object_or_404(ImportRun.objects.select_related("database", "created_by"), pk=pk)
    return render(request, "catalogue/import_detail.html", {"run": run})
