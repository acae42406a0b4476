"""One search box across databases, tables, variables, nomenclatures and their values.

Everything searchable has a :class:`~catalogue.models.SearchEntry` row with three
normalised (accent-stripped, lower-cased) texts: name, title, body. Queries get the same
normalisation, so "deces" finds "décès" on every backend without the ``unaccent``
extension (no superuser privilege needed on the production database).

* PostgreSQL: a weighted ``tsvector`` (name A, title B, body C) with a GIN index, queried
  with the light French stems of the query words as prefixes (plural, feminine: see
  :func:`stem`); ranked by ``ts_rank`` plus a bonus for an exact name.
* SQLite (embedded mode): every stem must appear in one of the texts (``LIKE``); ranked by
  where they appear — name, then title, then body.

Ties go to database, table, variable, nomenclature, value (in that order), then to the most
joined-to table (a reference table such as IR_BEN_R before the tables that copy its
columns), then by name.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse

from .bulk import insert_rows
from .models import Database, Nomenclature, NomenclatureValue, SearchEntry, Table, Variable
from .tableschema import normalize

Kind = SearchEntry.Kind
KIND_ORDER = [Kind.DATABASE, Kind.TABLE, Kind.VARIABLE, Kind.NOMENCLATURE, Kind.VALUE]
# French words too common to narrow a search (as the PostgreSQL "french" configuration).
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "dans",
        "est",
    ]
)
# The indexed expression (migration 0002 creates the GIN index on exactly this text).
VECTOR_SQL = (
    "(setweight(to_tsvector('simple'::regconfig, name_norm), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, title_norm), 'B')"
    " || setweight(to_tsvector('simple'::regconfig, body_norm), 'C'))"
)
WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"  # D, C, B, A (PostgreSQL's order)
EXACT_NAME_BONUS = 10.0
BATCH = 5000


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def query_terms(q: str) -> list[str]:
    """The words of a query, normalised, without French stopwords, each reduced to a light
    French stem (see :func:`stem`) that the search matches as a prefix."""
    return [stem(t) for t in re.findall(r"[a-z0-9]+", normalize(q)) if t not in STOPWORDS]


def stem(word: str) -> str:
    """Strip the plural and feminine endings of an accent-free French word so that, matched
    as a prefix, it finds every form: "hospitalisations" → "hospitalisation", "hopitaux" →
    "hopita" (hôpital), "dates" → "date", "decedees" → "decede", "deces" → "dece". Short words,
    codes and acronyms (≤ 4 characters, or with a digit) are kept whole."""
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("aux"):
        return word[:-2]
    for ending in ("s", "x"):
        if word.endswith(ending):
            word = word[: -len(ending)]
            break
    if word.endswith("e") and len(word) > 5:
        word = word[:-1]
    return word


# --- Index maintenance --------------------------------------------------------------


def _join(*parts: str) -> str:
    return normalize(" ".join(p for p in parts if p))


def _database_entry(db: Database) -> SearchEntry:
    return SearchEntry(
        kind=Kind.DATABASE,
        object_id=db.pk,
        database=db,
        name=db.acronym,
        title=db.name,
        url=db.get_absolute_url(),
        name_norm=normalize(db.acronym),
        title_norm=normalize(db.name),
        body_norm=_join(db.description, db.themes, db.keywords, db.producer, db.population),
        boost=0,
    )


def _table_entry(table: Table, indegree: int) -> SearchEntry:
    acronym = table.database.acronym
    return SearchEntry(
        kind=Kind.TABLE,
        object_id=table.pk,
        database_id=table.database_id,
        product=table.product,
        name=table.name,
        title=table.title,
        url=reverse("catalogue:table", args=[acronym, table.name]),
        context=f"{acronym} · {table.product}".strip(" ·"),
        name_norm=normalize(table.name),
        title_norm=normalize(table.title),
        body_norm=_join(table.description, table.scope, table.observations),
        boost=indegree,
    )


def _variable_entry(var: Variable, table: Table, indegree: int) -> SearchEntry:
    acronym = table.database.acronym
    return SearchEntry(
        kind=Kind.VARIABLE,
        object_id=var.pk,
        group_id=table.pk,
        database_id=table.database_id,
        product=table.product,
        type=var.type,
        name=var.name,
        title=var.description,
        url=reverse("catalogue:variable", args=[acronym, table.name, var.name]),
        context=f"{acronym} · {table.name}",
        name_norm=normalize(var.name),
        title_norm=normalize(var.description),
        body_norm=_join(var.observations, var.management_rules),
        boost=indegree,
    )


def _nomenclature_entry(nom: Nomenclature) -> SearchEntry:
    return SearchEntry(
        kind=Kind.NOMENCLATURE,
        object_id=nom.pk,
        name=nom.name,
        title=nom.title,
        url=nom.get_absolute_url(),
        context=nom.source,
        name_norm=normalize(nom.name),
        title_norm=normalize(nom.title),
        body_norm=normalize(nom.description),
    )


VALUE_COLUMNS = [
    "kind",
    "object_id",
    "group_id",
    "product",
    "type",
    "name",
    "title",
    "url",
    "context",
    "name_norm",
    "title_norm",
    "body_norm",
    "boost",
]


def _value_row(pk: int, code: str, label: str, nom_id: int, nom_name: str, url: str) -> tuple:
    """A value's entry as a row of ``VALUE_COLUMNS`` (values are inserted in bulk)."""
    return (
        Kind.VALUE.value,
        pk,
        nom_id,
        "",
        "",
        code[:255],
        label,
        f"{url}?q={code}"[:500],
        nom_name,
        normalize(code)[:255],
        normalize(label),
        "",
        0.0,
    )


def index_tables(tables: Iterable[Table] | None = None, *, database: Database | None = None) -> int:
    """(Re)index tables and their variables: ``tables``, or every table of ``database``."""
    qs = Table.objects.select_related("database").annotate(indegree=Count("keys_in"))
    if database is not None:
        qs = qs.filter(database=database)
    elif tables is not None:
        qs = qs.filter(pk__in=[t.pk for t in tables])
    table_list = list(qs)
    ids = [t.pk for t in table_list]
    by_id = {t.pk: t for t in table_list}
    with transaction.atomic():
        SearchEntry.objects.filter(kind=Kind.TABLE, object_id__in=ids).delete()
        SearchEntry.objects.filter(kind=Kind.VARIABLE, group_id__in=ids).delete()
        entries = [_table_entry(t, t.indegree) for t in table_list]
        for var in Variable.objects.filter(table_id__in=ids).iterator(chunk_size=BATCH):
            table = by_id[var.table_id]
            entries.append(_variable_entry(var, table, table.indegree))
        SearchEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(entries)


def index_nomenclatures(nomenclatures: Iterable[Nomenclature], *, values: bool = True) -> int:
    """(Re)index nomenclatures and, with ``values``, all their values."""
    noms = list(nomenclatures)
    ids = [n.pk for n in noms]
    with transaction.atomic():
        SearchEntry.objects.filter(kind=Kind.NOMENCLATURE, object_id__in=ids).delete()
        SearchEntry.objects.bulk_create([_nomenclature_entry(n) for n in noms], batch_size=BATCH)
        count = len(noms)
        if values:
            SearchEntry.objects.filter(kind=Kind.VALUE, group_id__in=ids).delete()
            names = {n.pk: (n.name, n.get_absolute_url()) for n in noms}
            # Read everything before writing: a COPY holds the connection it runs on.
            rows = list(
                NomenclatureValue.objects.filter(nomenclature_id__in=ids).values_list(
                    "pk", "code", "label", "nomenclature_id"
                )
            )
            count += insert_rows(
                SearchEntry,
                VALUE_COLUMNS,
                (
                    _value_row(pk, code, label, nom_id, *names[nom_id])
                    for pk, code, label, nom_id in rows
                ),
            )
    return count


def index_object(obj) -> None:
    """Refresh the entry of one edited object (admin, API, import-export)."""
    if isinstance(obj, Database):
        with transaction.atomic():
            SearchEntry.objects.filter(kind=Kind.DATABASE, object_id=obj.pk).delete()
            _database_entry(obj).save()
    elif isinstance(obj, Table):
        index_tables([obj])
    elif isinstance(obj, Variable):
        table = Table.objects.select_related("database").annotate(indegree=Count("keys_in"))
        table = table.get(pk=obj.table_id)
        with transaction.atomic():
            SearchEntry.objects.filter(kind=Kind.VARIABLE, object_id=obj.pk).delete()
            _variable_entry(obj, table, table.indegree).save()
    elif isinstance(obj, Nomenclature):
        index_nomenclatures([obj], values=False)


def unindex_object(obj) -> None:
    kind = {
        Database: Kind.DATABASE,
        Table: Kind.TABLE,
        Variable: Kind.VARIABLE,
        Nomenclature: Kind.NOMENCLATURE,
    }.get(type(obj))
    if kind:
        SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()
    # what hangs below the deleted object (cascade-deleted without signals of interest)
    if kind == Kind.TABLE:
        SearchEntry.objects.filter(kind=Kind.VARIABLE, group_id=obj.pk).delete()
    elif kind == Kind.NOMENCLATURE:
        SearchEntry.objects.filter(kind=Kind.VALUE, group_id=obj.pk).delete()
    elif kind == Kind.DATABASE:
        SearchEntry.objects.filter(database_id=obj.pk).delete()


def index_rebuild() -> int:
    """Rebuild the whole index (``manage.py catalogue_reindex``)."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchEntry.objects.bulk_create([_database_entry(d) for d in Database.objects.all()])
        count = Database.objects.count()
        for db in Database.objects.all():
            count += index_tables(database=db)
        count += index_nomenclatures(Nomenclature.objects.all())
    return count


# --- Querying -----------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    name: str
    title: str
    url: str
    context: str
    database: str
    product: str
    type: str
    score: float

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    elapsed_ms: float = 0.0


def _kind_order():
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
        output_field=IntegerField(),
    )


def _matches(q: str):
    """``(queryset of matching entries annotated with score, terms)``."""
    terms = query_terms(q)
    if not terms:
        return SearchEntry.objects.none(), terms
    compact = normalize(q).strip()
    exact = Case(
        When(name_norm=compact, then=Value(EXACT_NAME_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if _is_postgres():
        tsquery = " & ".join(f"{t}:*" for t in terms)  # prefixes: the stems of query_terms
        # Constant SQL (the indexed expression); the user's words only go in as parameters.
        match = RawSQL(  # noqa: S611
            f"({VECTOR_SQL} @@ to_tsquery('simple'::regconfig, %s) OR name_norm = %s)",
            [tsquery, compact],
            output_field=BooleanField(),
        )
        qs = SearchEntry.objects.filter(match)
        score = (
            RawSQL(  # noqa: S611
                f"ts_rank('{WEIGHTS}', {VECTOR_SQL}, to_tsquery('simple'::regconfig, %s))",
                [tsquery],
                output_field=FloatField(),
            )
            + exact
        )
    else:
        in_name = Q()
        in_title = Q()
        anywhere = Q()
        for term in terms:
            in_name &= Q(name_norm__contains=term)
            in_title &= Q(title_norm__contains=term)
            anywhere &= (
                Q(name_norm__contains=term)
                | Q(title_norm__contains=term)
                | Q(body_norm__contains=term)
            )
        qs = SearchEntry.objects.filter(anywhere)
        score = (
            Case(
                When(in_name, then=Value(1.0)),
                When(in_title, then=Value(0.4)),
                default=Value(0.2),
                output_field=FloatField(),
            )
            + exact
        )
    return qs.annotate(score=score), terms


def catalogue_search(
    q: str,
    *,
    database: str = "",
    product: str = "",
    type: str = "",
    kind: str = "",
    limit: int = 20,
    offset: int = 0,
    facets: bool = True,
) -> SearchResults:
    """Ranked hits for ``q`` with facet counts (database, product, type, kind)."""
    started = time.perf_counter()
    results = SearchResults(query=q)
    qs, terms = _matches(q)
    if not terms:
        return results
    filters = {
        "database__acronym": database,
        "product": product,
        "type": type,
        "kind": kind,
    }
    filtered = qs.filter(**{k: v for k, v in filters.items() if v})
    if facets:
        for key, column in (
            ("database", "database__acronym"),
            ("product", "product"),
            ("type", "type"),
            ("kind", "kind"),
        ):
            # A facet counts the hits of the other filters, so a choice can be changed.
            others = {k: v for k, v in filters.items() if v and k != column}
            rows = (
                qs.filter(**others)
                .exclude(**{f"{column}__isnull": True})
                .exclude(**{column: ""})
                .values_list(column)
                .annotate(n=Count("id"))
                .order_by("-n", column)
            )
            results.facets[key] = list(rows)
    results.total = filtered.count()
    rows = filtered.annotate(kind_order=_kind_order()).order_by(
        "-score", "kind_order", "-boost", "name", "id"
    )[offset : offset + limit]
    results.hits = [
        Hit(
            kind=e.kind,
            name=e.name,
            title=e.title,
            url=e.url,
            context=e.context,
            database=e.database.acronym if e.database_id else "",
            product=e.product,
            type=e.type,
            score=e.score,
        )
        for e in rows.select_related("database")
    ]
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results
