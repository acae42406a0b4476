"""Template helpers shared by every app: the page title reused by the breadcrumb, durations."""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from portal.messages import log_text, message_text
from portal.pagination import page_numbers, page_url

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title_text(context) -> str:
    """The text of the page's ``page_title`` block, so the breadcrumb never repeats it by hand."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block("page_title") if block_context else None
    if block is None:
        return ""
    return strip_tags(block.nodelist.render(context)).strip()


@register.filter
def duration(seconds) -> str:
    """Seconds as a person reads them, in the page's language: "3,6 s", "2 min 05 s", "1 h 02 min"."""
    if seconds is None or seconds == "":
        return "—"
    if hasattr(seconds, "total_seconds"):
        seconds = seconds.total_seconds()
    seconds = float(seconds)
    if seconds < 60:
        return _("%(value)s s") % {"value": number_format(round(seconds, 1), 1)}
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}


@register.filter
def job_message(message: str) -> str:
    """A job's message in the page's language (workers store codes, see portal.messages)."""
    return message_text(message)


@register.filter
def job_log(log: str) -> str:
    """A job's log tail in the page's language (see portal.messages.log_text)."""
    return log_text(log)


@register.inclusion_tag("portal/_pagination.html")
def pagination(page, query: str = "") -> dict:
    """DSFR numbered pagination of a Django ``Page``; ``query`` keeps the list's filters."""
    total = page.paginator.num_pages
    return {
        "page": page,
        "links": [(n, page_url(query, n) if n else "") for n in page_numbers(page.number, total)],
        "prev_url": page_url(query, page.number - 1) if page.has_previous() else "",
        "next_url": page_url(query, page.number + 1) if page.has_next() else "",
    }
