"""``{% load catalogue_links %}{% data_uses database=… table=… %}`` and
``{% variable_elsewhere variable %}``: blocks added to the catalogue pages."""

from __future__ import annotations

from django import template

from .. import links

register = template.Library()


@register.inclusion_tag("catalogue/_uses.html")
def data_uses(database=None, table=None, via_table=False):
    """Dossiers that requested the database/table and publications that used it
    (``via_table``: shown on a variable page, about its table)."""
    dossiers = links.dossiers_requesting(database=database, table=table)
    publications = links.publications_using(database=database, table=table)
    return {
        "dossier_count": dossiers.count(),
        "dossiers": list(dossiers[: links.LIMIT]),
        "publication_count": publications.count(),
        "publications": list(publications[: links.LIMIT]),
        "components": sorted(links.component_codes(database=database, table=table)),
        "subject": table or database,
        "via_table": via_table,
        "limit": links.LIMIT,
    }


@register.inclusion_tag("catalogue/_variable_elsewhere.html")
def variable_elsewhere(variable):
    return {"variable": variable, "others": list(links.same_variable_elsewhere(variable)[:200])}


@register.inclusion_tag("catalogue/_partner_results.html", takes_context=True)
def partner_results(context):
    """The search's results from partner catalogues: shown when the search includes them
    (``partenaires=1``), otherwise counted with a link that includes them."""
    from django.utils.http import urlencode

    from .. import selectors

    request = context.get("request")
    if request is None:  # rendered outside a request: nothing to search
        return {"q": ""}
    q = request.GET.get("q", "").strip()
    include = request.GET.get("partenaires") == "1"
    params = {k: v for k, v in request.GET.items() if k not in ("partenaires", "page") and v}
    hits = selectors.partner_datasets(q) if q else selectors.partner_datasets().none()
    return {
        "q": q,
        "include": include,
        "total": hits.count(),
        "hits": list(hits[:20]) if include else [],
        "toggle_url": "?" + urlencode({**params, **({} if include else {"partenaires": "1"})}),
    }
