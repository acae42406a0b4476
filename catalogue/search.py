"""One search box across databases, tables, variables, nomenclatures and their values.

Everything searchable has a :class:`~catalogue.models.SearchEntry` row with three
normalised (accent-stripped, lower-cased) texts: name, title, body. Queries get the same
normalisation, so "deces" finds "décès" on every backend without the ``unaccent``
extension (no superuser privilege needed on the production database).

* PostgreSQL: a weighted ``tsvector`` (name A, title B, body C) with a GIN index, queried
  with the light French stems of the query words as prefixes (plural, feminine: see
  :func:`stem`); ranked by ``ts_rank`` plus a bonus for an exact name.
* SQLite (embedded mode): an FTS5 index (migration 0004) finds the entries whose words start
  with the stems; ranked by where they appear — name, then title, then body.
* Synonyms (:class:`~catalogue.models.SearchSynonym`, editable) widen each query word; a
  query that finds nothing gets a "Vouliez-vous dire …" from the index's words.

Ties go to database, table, variable, nomenclature, value (in that order), then to the most
joined-to table (a reference table such as IR_BEN_R before the tables that copy its
columns), then by name.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, FloatField, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse

from .bulk import insert_rows
from .models import (
    Database,
    Nomenclature,
    NomenclatureValue,
    SearchEntry,
    SearchSynonym,
    SearchWord,
    Table,
    Variable,
)
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
# How hits are ranked (``kind_order`` is annotated by :func:`_kind_order`).
RELEVANCE_ORDER = ("-score", "kind_order", "-boost", "name", "id")
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
    codes and acronyms (≤ 4 characters, or with a digit) are kept whole.

    Kept over Snowball's French stemmer (PyStemmer), measured by ``bench/search_stemmer.py``:
    matched as a prefix of unstemmed words, Snowball's stems are too short ("medicaments" →
    "medic", "deces" → "dec") or leave the word family ("hopitaux" → "hopital")."""
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


def query_words(q: str) -> list[str]:
    """The words of a query, normalised, without French stopwords (not stemmed)."""
    return [t for t in re.findall(r"[a-z0-9]+", normalize(q)) if t not in STOPWORDS]


def synonym_groups() -> list[list[list[str]]]:
    """The editable synonym list (:class:`~catalogue.models.SearchSynonym`): each group is a
    list of terms, each term the stems of its words ("fin de séjour" → ["fin", "sejour"])."""
    groups = []
    for row in SearchSynonym.objects.all():
        terms = [[stem(w) for w in query_words(term)] for term in row.term_list()]
        groups.append([t for t in terms if t])
    return groups


def query_alternatives(
    q: str, groups: list[list[list[str]]] | None = None
) -> list[list[list[str]]]:
    """For each query word, the ways to match it: its own stem, and every term of the synonym
    groups that contain it ("hospitalisations" → hospitalisation | sejour | hospitalier).
    Each alternative is a list of stems that must all match."""
    if groups is None:
        groups = synonym_groups()
    out = []
    for word in query_words(q):
        own = [stem(word)]
        alternatives = [own]
        for group in groups:
            if own in group:
                alternatives += [term for term in group if term not in alternatives]
        out.append(alternatives)
    return out


# --- Index maintenance --------------------------------------------------------------


def _join(*parts: str) -> str:
    return normalize(" ".join(p for p in parts if p))


def _entry(kind, obj, *, name: str, title: str, **fields) -> SearchEntry:
    """An entry of the index for ``obj``: its name and title, as shown and as matched."""
    return SearchEntry(
        kind=kind,
        object_id=obj.pk,
        name=name,
        title=title,
        name_norm=normalize(name),
        title_norm=normalize(title),
        **fields,
    )


def _database_entry(db: Database) -> SearchEntry:
    return _entry(
        Kind.DATABASE,
        db,
        name=db.acronym,
        title=db.name,
        database=db,
        url=db.get_absolute_url(),
        body_norm=_join(db.description, db.themes, db.keywords, db.producer, db.population),
        boost=0,
    )


def _table_entry(table: Table, indegree: int) -> SearchEntry:
    acronym = table.database.acronym
    return _entry(
        Kind.TABLE,
        table,
        name=table.name,
        title=table.title,
        database_id=table.database_id,
        product=table.product,
        url=reverse("catalogue:table", args=[acronym, table.name]),
        context=f"{acronym} · {table.product}".strip(" ·"),
        body_norm=_join(table.description, table.scope, table.observations),
        boost=indegree,
    )


def _variable_entry(var: Variable, table: Table, indegree: int) -> SearchEntry:
    acronym = table.database.acronym
    return _entry(
        Kind.VARIABLE,
        var,
        name=var.name,
        title=var.description,
        group_id=table.pk,
        database_id=table.database_id,
        product=table.product,
        type=var.type,
        url=reverse("catalogue:variable", args=[acronym, table.name, var.name]),
        context=f"{acronym} · {table.name}",
        body_norm=_join(var.observations, var.management_rules),
        boost=indegree,
    )


def _nomenclature_entry(nom: Nomenclature) -> SearchEntry:
    return _entry(
        Kind.NOMENCLATURE,
        nom,
        name=nom.name,
        title=nom.title,
        url=nom.get_absolute_url(),
        context=nom.source,
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


WORD_RE = re.compile(r"[a-z][a-z0-9]{3,}")
SUGGESTION_SIMILARITY = 0.3  # pg_trgm's default threshold


def words_refresh() -> int:
    """Refill :class:`~catalogue.models.SearchWord` from the names and titles of the index:
    the words "Vouliez-vous dire …" chooses from (4 characters or more, starting with a
    letter)."""
    with transaction.atomic():
        SearchWord.objects.all().delete()
        if _is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO catalogue_searchword (word) SELECT DISTINCT w FROM ("
                    " SELECT regexp_split_to_table(name_norm || ' ' || title_norm, '[^a-z0-9]+') AS w"
                    " FROM catalogue_searchentry) words"
                    " WHERE length(w) BETWEEN 4 AND 100 AND w ~ '^[a-z]'"
                )
            return SearchWord.objects.count()
        words: set[str] = set()
        for name, title in SearchEntry.objects.values_list("name_norm", "title_norm").iterator(
            chunk_size=BATCH
        ):
            words.update(w for w in WORD_RE.findall(f"{name} {title}") if len(w) <= 100)
        return insert_rows(SearchWord, ["word"], ((w,) for w in sorted(words)))


def suggest(q: str) -> str:
    """A corrected query for "Vouliez-vous dire …": each word of ``q`` that the index does not
    know is replaced by the closest word it knows ("hospitalisaton" → "hospitalisation").
    "" when there is nothing to correct."""
    words = re.findall(r"[a-z0-9]+", normalize(q))
    if not words:
        return ""
    changed = False
    out = []
    for word in words:
        better = word
        if len(word) >= 4 and word not in STOPWORDS and not _word_known(word):
            better = _closest_word(word) or word
        changed |= better != word
        out.append(better)
    return " ".join(out) if changed else ""


def _word_known(word: str) -> bool:
    return SearchWord.objects.filter(word__startswith=stem(word)).exists()


def _closest_word(word: str) -> str:
    if _is_postgres():
        with connection.cursor() as cursor:
            # pg_trgm: the GiST index serves the nearest-neighbour order (<->).
            cursor.execute(
                "SELECT word, similarity(word, %s) FROM catalogue_searchword"
                " ORDER BY word <-> %s LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
        return row[0] if row and row[1] >= SUGGESTION_SIMILARITY else ""
    # SQLite: candidates that share the first letter and have a similar length.
    candidates = SearchWord.objects.filter(
        word__startswith=word[0],
    ).values_list("word", flat=True)
    close = difflib.get_close_matches(
        word, [c for c in candidates if abs(len(c) - len(word)) <= 3], n=1, cutoff=0.75
    )
    return close[0] if close else ""


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
        words_refresh()
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
    # A value found in several nomenclatures is shown once: (nomenclature, url) of each.
    also_in: list[tuple[str, str]] = field(default_factory=list)

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
    suggestion: str = ""  # "Vouliez-vous dire …" when nothing matched


def group_values(hits: list[Hit]) -> list[Hit]:
    """The same code and label in several nomenclatures (versions of one list, copies in
    several products) is one hit that names every nomenclature it is in."""
    out: list[Hit] = []
    seen: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        if hit.kind != Kind.VALUE:
            out.append(hit)
            continue
        key = (hit.name, normalize(hit.title))
        first = seen.get(key)
        if first is None:
            hit.also_in = [(hit.context, hit.url)]
            seen[key] = hit
            out.append(hit)
        elif (hit.context, hit.url) not in first.also_in:
            first.also_in.append((hit.context, hit.url))
    return out


def _kind_order():
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
        output_field=IntegerField(),
    )


def _tsquery(alternatives: list[list[list[str]]]) -> str:
    """``(hospitalisation:* | sejour:*) & date:*``: words AND-ed, synonyms OR-ed, stems as
    prefixes. Stems hold only [a-z0-9], so nothing of the user's text reaches the syntax."""
    return " & ".join(
        "(" + " | ".join("(" + " & ".join(f"{s}:*" for s in alt) + ")" for alt in alts) + ")"
        for alts in alternatives
    )


def _fts5_query(alternatives: list[list[list[str]]]) -> str:
    """``(hospitalisation* OR sejour*) AND date*`` for SQLite's FTS5 (stems are [a-z0-9])."""
    return " AND ".join(
        "(" + " OR ".join("(" + " AND ".join(f'"{s}"*' for s in alt) + ")" for alt in alts) + ")"
        for alts in alternatives
    )


def _anywhere(alternatives: list[list[list[str]]]) -> Q:
    """Every query word (or one of its synonyms) appears in the name, title or body."""
    out = Q()
    for alts in alternatives:
        either = Q()
        for alt in alts:
            both = Q()
            for s in alt:
                both &= (
                    Q(name_norm__contains=s) | Q(title_norm__contains=s) | Q(body_norm__contains=s)
                )
            either |= both
        out &= either
    return out


def _contains(alternatives: list[list[list[str]]], field: str) -> Q:
    """Every query word (or one of its synonyms) appears in ``field``."""
    out = Q()
    for alts in alternatives:
        either = Q()
        for alt in alts:
            both = Q()
            for s in alt:
                both &= Q(**{f"{field}__contains": s})
            either |= both
        out &= either
    return out


def _matches(q: str):
    """``(queryset of matching entries annotated with score, terms)``."""
    terms = query_terms(q)
    if not terms:
        return SearchEntry.objects.none(), terms
    alternatives = query_alternatives(q)
    compact = normalize(q).strip()
    exact = Case(
        When(name_norm=compact, then=Value(EXACT_NAME_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if _is_postgres():
        tsquery = _tsquery(alternatives)
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
        in_name = _contains(alternatives, "name_norm")
        in_title = _contains(alternatives, "title_norm")
        if connection.vendor == "sqlite":
            # The FTS5 index (migration 0004) finds the rows; the score only looks at those.
            match = RawSQL(  # noqa: S611 - constant SQL, the stems go in as a parameter
                "SELECT rowid FROM catalogue_searchentry_fts"
                " WHERE catalogue_searchentry_fts MATCH %s",
                [_fts5_query(alternatives)],
            )
            qs = SearchEntry.objects.filter(Q(id__in=match) | Q(name_norm=compact))
        else:  # any other database: every word (or a synonym) somewhere in the texts
            qs = SearchEntry.objects.filter(_anywhere(alternatives))
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
    sort: str = "relevance",
) -> SearchResults:
    """Ranked hits for ``q`` with facet counts (database, product, type, kind).

    ``sort``: "relevance" (default) or "name". Nothing found: ``suggestion`` holds the query
    with its unknown words replaced by the closest known ones."""
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
    order = RELEVANCE_ORDER
    if sort == "name":
        order = ("name_norm", "kind_order", "-score", "id")
    rows = filtered.annotate(kind_order=_kind_order()).order_by(*order)[offset : offset + limit]
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
    results.hits = group_values(results.hits)
    if not results.total:
        results.suggestion = suggest(q)
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results
