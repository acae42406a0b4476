"""Reads of the catalogue (public: nothing here filters by user)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Database,
    ImportRun,
    JoinKey,
    Nomenclature,
    NomenclatureValue,
    SearchEntry,
    Table,
    Variable,
)
from .tableschema import normalize


def databases_with_counts() -> QuerySet[Database]:
    """Databases with ``table_count`` and ``variable_count`` counted from the rows."""
    return Database.objects.annotate(
        table_count=Count("tables", distinct=True),
        variable_count=Count("tables__variables", distinct=True),
    ).order_by("acronym")


def database_get(acronym: str) -> Database:
    return get_object_or_404(databases_with_counts(), acronym=acronym)


def tables_of(database: Database) -> QuerySet[Table]:
    return (
        database.tables.annotate(variable_count=Count("variables"))
        .order_by("product", "name")
        .select_related("database")
    )


def table_get(acronym: str, name: str) -> Table:
    return get_object_or_404(
        Table.objects.select_related("database").annotate(variable_count=Count("variables")),
        database__acronym=acronym,
        name=name,
    )


def variables_of(table: Table) -> QuerySet[Variable]:
    return table.variables.select_related("nomenclature").order_by("position", "name")


def keys_out(table: Table) -> QuerySet[JoinKey]:
    return table.keys_out.select_related("to_table__database").order_by("to_table_name")


def keys_in(table: Table) -> QuerySet[JoinKey]:
    return table.keys_in.select_related("from_table__database").order_by("from_table__name")


def variable_get(acronym: str, table: str, name: str) -> Variable:
    return get_object_or_404(
        Variable.objects.select_related("table__database", "nomenclature"),
        table__database__acronym=acronym,
        table__name=table,
        name=name,
    )


def variable_keys(variable: Variable) -> QuerySet[JoinKey]:
    """Join keys of the variable's table that use this column (either side)."""
    table = variable.table
    return (
        JoinKey.objects.filter(Q(from_table=table) | Q(to_table=table))
        .select_related("from_table__database", "to_table__database")
        .order_by("from_table__name", "to_table_name")
    )


def nomenclature_get(name: str) -> Nomenclature:
    return get_object_or_404(Nomenclature.objects.annotate(value_count=Count("values")), name=name)


def nomenclature_values(nomenclature: Nomenclature, q: str = "") -> QuerySet[NomenclatureValue]:
    """Values, optionally those whose code or label contains ``q`` (accents ignored)."""
    values = nomenclature.values.order_by("position")
    q = q.strip()
    if not q:
        return values
    needle = normalize(q)
    matching = SearchEntry.objects.filter(
        Q(name_norm__contains=needle) | Q(title_norm__contains=needle),
        kind=SearchEntry.Kind.VALUE,
        group_id=nomenclature.pk,
    )
    return values.filter(pk__in=matching.values("object_id"))


def nomenclatures_with_counts() -> QuerySet[Nomenclature]:
    return Nomenclature.objects.annotate(
        value_count=Count("values", distinct=True),
        variable_count=Count("variables", distinct=True),
    ).order_by("name")


def recent_imports(limit: int = 5) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("database", "created_by")[:limit]


def tables_without_description() -> QuerySet[Table]:
    return Table.objects.filter(description="").select_related("database").order_by("name")


def products() -> list[dict]:
    """Every (database, product) with its number of tables, for the schema diagrams."""
    return list(
        Table.objects.exclude(product="")
        .values("database__acronym", "product")
        .annotate(table_count=Count("id"))
        .order_by("database__acronym", "product")
    )


def product_tables(acronym: str, product: str) -> QuerySet[Table]:
    """The tables of one product (404 when it has none)."""
    tables = Table.objects.filter(database__acronym=acronym, product=product).select_related(
        "database"
    )
    if not tables.exists():
        from django.http import Http404

        raise Http404
    return tables.order_by("name")


def product_keys(tables: QuerySet[Table]) -> QuerySet[JoinKey]:
    """Join keys leaving or reaching the given tables."""
    return (
        JoinKey.objects.filter(Q(from_table__in=tables) | Q(to_table__in=tables))
        .select_related("from_table__database", "to_table__database")
        .order_by("from_table__name", "signature")
    )


def dictionary_rows():
    """Every variable of every table, in dictionary order, as plain rows (values())."""
    return (
        Variable.objects.order_by(
            "table__database__acronym", "table__product", "table__name", "position", "name"
        )
        .values_list(
            "table__database__acronym",
            "table__product",
            "table__name",
            "table__title",
            "name",
            "description",
            "type",
            "length",
            "format",
            "nomenclature__name",
            "nomenclature_ref",
            "unit",
            "created",
            "deleted",
        )
        .iterator(chunk_size=2000)
    )


def partners_public():
    from .models import PartnerCatalogue

    return PartnerCatalogue.objects.filter(active=True).order_by("name")


def partner_get(slug: str):
    return get_object_or_404(partners_public(), slug=slug)


def partner_datasets(q: str = "", partner=None):
    """Harvested datasets of active partners, optionally those matching every word of
    ``q`` (accents ignored) in their title, description, publisher or keywords."""
    from .models import HarvestedDataset

    qs = HarvestedDataset.objects.filter(partner__active=True).select_related("partner")
    if partner is not None:
        qs = qs.filter(partner=partner)
    for word in normalize(q).split():
        qs = qs.filter(Q(title_norm__contains=word) | Q(body_norm__contains=word))
    return qs.order_by("partner__name", "title")
