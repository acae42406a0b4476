from django.utils.translation import gettext as _

from .charts import PALETTE
from .navigation import menu_for
from .roles import ROLES, user_roles


def portal(request):
    user = request.user
    return {
        "main_menu": menu_for(request),
        "user_role_labels": [ROLES[r].label for r in sorted(user_roles(user))],
        "site_title": _("Portail du Health Data Hub"),
        "chart_palette": PALETTE,
    }
