"""Home card: the code lists a signed-in user can see, and the code search."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.actors import is_signed_in
from portal.home import Card, CardItem

from .selectors import code_lists_visible_to


def cards(user) -> list[Card]:
    if not is_signed_in(user):
        return []
    url = reverse("codelists:index")
    return [
        Card(
            title=_("Listes de codes"),
            description=_(
                "Les médicaments, diagnostics et actes qui ciblent une population d'étude."
            ),
            url=url,
            items=[
                CardItem(_("Listes visibles"), code_lists_visible_to(user).count(), url),
                CardItem(_("Rechercher des codes"), None, reverse("codelists:search")),
            ],
        )
    ]
