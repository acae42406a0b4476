"""Template helpers of the dossiers: the unread-message indicator of the header."""

from django import template

from portal.actors import is_signed_in

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("access_requests/_unread_header.html", takes_context=True)
def unread_messages_link(context):
    """The header link to the dossiers with unread messages, with their count."""
    from ..selectors import unread_messages

    request = context.get("request")
    user = getattr(request, "user", None)
    count = unread_messages(user).count() if is_signed_in(user) else 0
    return {"count": count, "authenticated": is_signed_in(user)}
