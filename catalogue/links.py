"""Reads that link catalogue entries to their use: the dossiers of the public directory
that requested a database or table, the publications of the SNDS corpus tagged with its
component, and the other tables where a variable appears.

Other apps are read only through their own selectors (``dossiers_public``,
``publications_visible_to``), so their visibility rules hold here too: a draft dossier,
or a publication the curators did not retain, never shows.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from .models import Database, Table, Variable
from .profiling.specs import ALIASES

#: Publications listed on a page (the count covers them all).
LIMIT = 10


def component_codes(*, database: Database | None = None, table: Table | None = None) -> set[str]:
    """SNDS component codes (bibliometrics) of a table (its product: ``PMSI MCO`` →
    ``PMSI_MCO``) or a database (its acronym and its tables' products)."""
    products = (
        {table.product}
        if table is not None
        else set(database.tables.values_list("product", flat=True)) | {database.acronym}
    )
    return {re.sub(r"[\s-]+", "_", p.strip().upper()) for p in products if p and p.strip()}


def dossiers_requesting(*, database: Database | None = None, table: Table | None = None):
    """Dossiers of the public directory that requested ``table``, or ``database`` (the
    whole base or one of its tables)."""
    from access_requests.selectors import dossiers_public

    if table is not None:
        where = Q(requested_data__table=table)
    else:
        where = Q(requested_data__database=database) | Q(requested_data__table__database=database)
    return dossiers_public().filter(where).distinct().order_by("-submitted_on", "reference")


def publications_using(*, database: Database | None = None, table: Table | None = None):
    """Retained publications tagged with the SNDS component of ``table`` or ``database``
    (or, for a table, naming it in their title or abstract)."""
    from bibliometrics.selectors import publications_visible_to

    codes = component_codes(database=database, table=table)
    where = Q(components__code__in=codes) | Q(components__catalogue_code__in=codes)
    if table is not None and len(table.name) >= 5:
        where |= Q(title__icontains=table.name) | Q(abstract__icontains=table.name)
    return (
        publications_visible_to(AnonymousUser()).filter(where).distinct().order_by("-year", "title")
    )


def same_variable_elsewhere(variable: Variable) -> QuerySet[Variable]:
    """The other tables' variables with the same name (``NUM_ENQ`` and ``BEN_NIR_PSA``
    are one variable, as in project extracts)."""
    name = variable.name.upper()
    names = {name, ALIASES.get(name, name)} | {k for k, v in ALIASES.items() if v == name}
    query = Q()
    for n in names:
        query |= Q(name__iexact=n)
    return (
        Variable.objects.filter(query)
        .exclude(pk=variable.pk)
        .select_related("table__database")
        .order_by("table__database__acronym", "table__product", "table__name")
    )
