"""Reads of the code lists: search, hierarchy, expansion, visibility."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from portal.actors import is_signed_in
from portal.roles import Capability, can

from .models import CodeList, CodeListVersion, ReferentialCode
from .referentials import System, fold, may_have_children
from .snippets import Expanded

MAX_EXPANDED = 200_000
FTS_INDEX = "codelists_referentialcode_fts"  # SQLite (migration 0003)


def codes_search(
    q: str, *, system: str = "", limit: int = 50
) -> tuple[list[ReferentialCode], dict]:
    """Codes whose code starts with ``q`` (E11, M01AE, a CIP7 or CIP13) or whose label,
    substance or other words contain every word of ``q`` (accents and case ignored, plural
    and feminine forms found by their stem). Returns the hits and the count per system."""
    words = [w for w in fold(q).split() if len(w) >= 2]
    if not words:
        return [], {}
    compact = re.sub(r"[^A-Za-z0-9]", "", q).upper()
    by_code = _starting_with(compact) if compact else Q(pk__in=[])
    stems = [w[:-1] if len(w) > 4 and w.endswith(("s", "x", "e")) else w for w in words]
    qs = ReferentialCode.objects.filter(by_code | _containing(stems))
    facets = dict(qs.order_by().values_list("system").annotate(n=Count("pk")))
    if system:
        qs = qs.filter(system=system)
    # exact codes first, then short codes (the higher levels), then by code
    # (ordered in SQL too: a bare LIMIT made PostgreSQL scan the table instead of the index)
    ordered = qs.order_by("level", "system", "code")[: limit * 4]
    hits = sorted(ordered, key=lambda c: (c.code != compact, c.level, c.system, c.code))
    return hits[:limit], facets


def _starting_with(prefix: str) -> Q:
    """Codes starting with ``prefix``. SQLite's LIKE is case-insensitive and cannot use the
    code's index: there, a range in its binary order does (``E11`` ≤ code < ``E11`` + the
    last character). PostgreSQL's LIKE uses its pattern index (migration 0002)."""
    if connection.vendor == "sqlite":
        return Q(code__gte=prefix, code__lt=prefix + "\U0010ffff")
    return Q(code__startswith=prefix)


def _containing(stems: list[str]) -> Q:
    """Codes whose search text contains every stem: on SQLite through the trigram FTS5 index
    (migration 0003) for stems of 3 letters or more, elsewhere (and for shorter stems) by
    ``LIKE '%stem%'``, which PostgreSQL answers from its trigram GIN index."""
    q = Q()
    indexed = [s for s in stems if len(s) >= 3] if connection.vendor == "sqlite" else []
    if indexed:
        match = " AND ".join('"' + s.replace('"', '""') + '"' for s in indexed)
        # the index name is a constant; the words go in as a bound parameter
        sql = f"SELECT rowid FROM {FTS_INDEX} WHERE {FTS_INDEX} MATCH %s"  # noqa: S608
        q &= Q(pk__in=RawSQL(sql, [match]))  # noqa: S611
    for stem in stems:
        if stem not in indexed:
            q &= Q(search_text__contains=stem)
    return q


def code_children(system: str, code: str) -> QuerySet[ReferentialCode]:
    return ReferentialCode.objects.filter(system=system, parent=code).order_by("code")


def code_ancestors(system: str, code: str) -> list[ReferentialCode]:
    chain = []
    current = ReferentialCode.objects.filter(system=system, code=code).first()
    while current and current.parent and len(chain) < 10:
        current = ReferentialCode.objects.filter(
            system=_parent_system(current), code=current.parent
        ).first()
        if current:
            chain.append(current)
    return list(reversed(chain))


def _parent_system(code: ReferentialCode) -> str:
    """A box hangs under its product (CIP13 system), a product under its ATC substance."""
    if code.system == System.CIP13 and not code.parent.startswith("PROD-"):
        return System.ATC
    return code.system


def _descendants(system: str, code: str) -> list[tuple[str, str]]:
    """(system, code) of every code under ``code`` (CIP13 boxes under an ATC class)."""
    return [(s, c) for s, c, _label in _descendants_labelled(system, code)]


def _descendants_labelled(system: str, code: str) -> list[tuple[str, str, str]]:
    """(system, code, label) of every code under ``code``, level by level."""
    out = []
    frontier = [(system, code)]
    while frontier and len(out) < MAX_EXPANDED:
        next_frontier = []
        for s in {s for s, _ in frontier}:
            parents = [c for s2, c in frontier if s2 == s]
            systems = [s, System.CIP13] if s == System.ATC else [s]
            next_frontier.extend(
                ReferentialCode.objects.filter(system__in=systems, parent__in=parents)
                .values_list("system", "code", "label")
            )  # fmt: skip
        out.extend(next_frontier)
        frontier = [(s, c) for s, c, _label in next_frontier if may_have_children(s, c)]
    return out


def version_expand(version: CodeListVersion) -> list[Expanded]:
    """The codes a version stands for: its included items (and their descendants) minus
    its excluded ones (and theirs), with their labels, sorted by system and code. Labels
    come with the walk down the hierarchy (a second query on tens of thousands of boxes
    was most of a count's time)."""
    included: set[tuple[str, str]] = set()
    excluded: set[tuple[str, str]] = set()
    labels: dict[tuple[str, str], str] = {}
    items = list(version.items.all())
    for item in items:
        keys = {(item.system, item.code)}
        if item.include_descendants:
            for s, c, label in _descendants_labelled(item.system, item.code):
                keys.add((s, c))
                labels[(s, c)] = label
        (excluded if item.excluded else included).update(keys)
    keep = included - excluded
    for item in items:
        if (item.system, item.code) in keep:
            labels[(item.system, item.code)] = (
                ReferentialCode.objects.filter(system=item.system, code=item.code)
                .values_list("label", flat=True).first() or ""
            )  # fmt: skip
    return [Expanded(s, c, labels.get((s, c), "")) for s, c in sorted(keep)]


def code_lists_visible_to(user) -> QuerySet[CodeList]:
    """Staff of the Guichet and the data team: every list; anyone else: the lists they
    wrote and those of the dossiers they may see (visibility follows the dossier's)."""
    if not is_signed_in(user):
        return CodeList.objects.none()
    qs = CodeList.objects.select_related("author", "dossier")
    if can(user, Capability.DOSSIER_INSTRUCT) or can(user, Capability.CATALOGUE_CURATE):
        return qs
    from access_requests.selectors import dossiers_visible_to

    return qs.filter(Q(author=user) | Q(dossier__in=dossiers_visible_to(user))).distinct()


def code_lists_to_add_to(user) -> QuerySet[CodeList]:
    """The lists a signed-in user is offered on the browse and search pages: theirs and
    those of the dossiers they follow (the same lists they may give a new version)."""
    if not is_signed_in(user):
        return CodeList.objects.none()
    from access_requests.selectors import dossiers_visible_to

    return (
        code_lists_visible_to(user)
        .filter(Q(author=user) | Q(dossier__in=dossiers_visible_to(user)))
        .order_by("name")
    )


EXPORTS = {"csv": "text/csv", "sql": "text/plain", "sas": "text/plain", "json": "application/json"}


def outputs_for(user):
    """The OMOP outputs ``user`` may count on: the conversions they may see (the data
    team); porteurs are given none until an output is linked to their dossier."""
    from omop.selectors import etl_jobs_visible_to

    return (
        etl_jobs_visible_to(user)
        .filter(job__status="succeeded", output_format__in=["csv", "parquet"])
        .order_by("-created_at")
    )


def output_get(user, pk):
    """One output ``user`` may count on, present on disk; else 404."""
    import uuid
    from pathlib import Path

    from django.http import Http404

    try:
        pk = uuid.UUID(str(pk))
    except ValueError:
        raise Http404 from None
    etl_job = outputs_for(user).filter(pk=pk).first()
    if etl_job is None or not Path(etl_job.output_path).is_dir():
        raise Http404
    return etl_job


def version_count(version: CodeListVersion, output) -> dict:
    """Persons of ``output`` matching the version, as published: every figure goes through
    the one disclosure module, with how they add up (sex and age split the total, each
    year is part of it), so that no count below the threshold is shown or derivable."""
    from django.conf import settings

    from portal.disclosure import Figures

    from . import feasibility
    from .snippets import by_system

    raw = feasibility.count_persons(
        output, by_system(version_expand(version)), memory_limit=settings.PROFILING_MEMORY_LIMIT
    )
    f = Figures()
    f.add("total", raw["total"], weight=5)
    f.partition("total", {("sex", c["sex"]): c["count"] for c in raw["by_sex"]})
    with_age = sum(c["count"] for c in raw["by_age"])
    f.add("with_age", with_age, shown=False)
    f.contains("total", "with_age")
    f.partition("with_age", {("age", c["band"]): c["count"] for c in raw["by_age"]})
    for c in raw["by_year"]:
        f.add(("year", c["year"]), c["count"])
        f.contains("total", ("year", c["year"]))
    f.protect()
    return {
        "total": f.value("total"),
        "by_sex": [{**c, "count": f.value(("sex", c["sex"]))} for c in raw["by_sex"]],
        "by_age": [{**c, "count": f.value(("age", c["band"]))} for c in raw["by_age"]],
        "by_year": [{**c, "count": f.value(("year", c["year"]))} for c in raw["by_year"]],
        "missing": raw["missing"],
    }


def version_export(code_list: CodeList, version: CodeListVersion, fmt: str) -> tuple[str, str]:
    """(content, content type) of an export: csv, sql, sas or json (Atlas concept set)."""
    import io

    from portal.spreadsheets import csv_writer

    from . import snippets

    expanded = version_expand(version)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv_writer(out)  # cells neutralised: a label never starts a formula
        writer.writerow(["system", "code", "label"])
        for c in expanded:
            writer.writerow([c.system, c.code, c.label])
        content = out.getvalue()
    elif fmt == "sql":
        content = snippets.sql_snippets(expanded)
    elif fmt == "sas":
        content = snippets.sas_snippets(expanded)
    else:
        content = snippets.atlas_concept_set(code_list.name, atlas_items(version))
    return content, EXPORTS[fmt]


def atlas_items(version: CodeListVersion) -> list[dict]:
    """The version's items as OMOP concepts of the loaded vocabulary (CIM-10 in Athena's
    dotted form, CIP13 as its BDPM CIP7); items without a concept are left out."""
    from django.db import connection

    from omop.vocabulary import store

    if not store.is_loaded():
        return []
    vocabulary = {System.CIM10: "CIM10", System.CCAM: "CCAM", System.ATC: "ATC",
                  System.CIP13: "BDPM"}  # fmt: skip
    keys = ("CONCEPT_ID", "CONCEPT_NAME", "STANDARD_CONCEPT", "INVALID_REASON",
            "CONCEPT_CODE", "DOMAIN_ID", "VOCABULARY_ID", "CONCEPT_CLASS_ID")  # fmt: skip
    items = []
    for item in version.items.all():
        vocab = vocabulary.get(item.system)
        if not vocab:
            continue
        code = item.code
        if item.system == System.CIM10 and len(code) > 3:
            code = f"{code[:3]}.{code[3:]}"
        if item.system == System.CIP13:
            code = code[5:12]
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {', '.join(k.lower() for k in keys)} "  # noqa: S608 (fixed columns)
                f"FROM {store.table_name('CONCEPT')} WHERE vocabulary_id = %s AND concept_code = %s",
                [vocab, code],
            )
            row = cur.fetchone()
        if row is None:
            continue
        concept = dict(zip(keys, row, strict=True))
        concept["STANDARD_CONCEPT"] = concept["STANDARD_CONCEPT"] or "N"
        concept["INVALID_REASON"] = concept["INVALID_REASON"] or "V"
        items.append({"concept": concept, "isExcluded": item.excluded,
                      "includeDescendants": item.include_descendants, "includeMapped": False})  # fmt: skip
    return items


def versions_attachable(user, dossier) -> QuerySet[CodeListVersion]:
    """Versions ``user`` may attach to ``dossier``'s requested data: of the lists they
    wrote, or of the lists already on that dossier, that they may see."""
    if not is_signed_in(user):
        return CodeListVersion.objects.none()
    lists = code_lists_visible_to(user).filter(Q(author=user) | Q(dossier=dossier))
    return CodeListVersion.objects.filter(code_list__in=lists).select_related("code_list")


def referential_imports():
    """The latest drug-referential import jobs (the data team's page)."""
    from portal.models import Job

    from .services import JOB_KIND

    return Job.objects.filter(kind=JOB_KIND).select_related("created_by").order_by("-created_at")


def referential_counts() -> list[tuple[str, str, int]]:
    """(source, system, codes) held, for the import page."""
    return list(
        ReferentialCode.objects.order_by("source", "system")
        .values_list("source", "system")
        .annotate(n=Count("pk"))
    )
