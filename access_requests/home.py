"""Home cards: what is waiting for each user among the dossiers."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actors import is_signed_in
from portal.home import Card, CardItem
from portal.roles import Capability, can

from .models import FOLLOWED_STATES, Status, TeamMember
from .selectors import dossiers_visible_to, guichet_queue, unread_messages
from .services import workflow

# States where the next move belongs to the porteur.
PORTEUR_TURN = workflow.turn_of(workflow.PORTEUR)


def _list_url(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("access_requests:list")
    return f"{url}?{urlencode(params)}" if params else url


def cards(user) -> list[Card]:
    if not is_signed_in(user):
        return []
    visible = dossiers_visible_to(user)
    today = timezone.localdate()
    result: list[Card] = []
    if can(user, Capability.DOSSIER_INSTRUCT):
        result.append(
            Card(
                _("Instruction des dossiers"),
                _("Dossiers à vérifier et échéances du guichet."),
                reverse("access_requests:queue"),
                [
                    CardItem(
                        _("à traiter par le guichet"),
                        guichet_queue(user).count(),
                        reverse("access_requests:queue"),
                    ),
                    CardItem(
                        _("à vérifier"),
                        visible.filter(
                            status__in=[Status.SUBMITTED, Status.COMPLETENESS_CHECK]
                        ).count(),
                        _list_url(status=Status.SUBMITTED),
                    ),
                    CardItem(
                        _("en retard"),
                        visible.filter(due_on__lt=today).count(),
                        reverse("access_requests:dashboard"),
                    ),
                ],
            )
        )
    if can(user, Capability.DOSSIER_REVIEW) and not user.is_superuser:
        assigned = visible.filter(
            assignments__rapporteur=user,
            status__in=[Status.SENT_TO_CESREES, Status.CESREES_REVIEW],
        ).distinct()
        result.append(
            Card(
                _("CESREES"),
                _("Dossiers qui vous sont attribués."),
                _list_url(),
                [
                    CardItem(
                        _("dossiers attribués en cours d'examen"), assigned.count(), _list_url()
                    )
                ],
            )
        )
    if can(user, Capability.DOSSIER_FOLLOW) and not user.is_superuser:
        to_follow = visible.filter(status__in=FOLLOWED_STATES).exclude(status=Status.CLOSED)
        result.append(
            Card(
                _("Projets à suivre"),
                _("Projets autorisés : convention, mise à disposition, clôture."),
                reverse("access_requests:dashboard"),
                [CardItem(_("projets à suivre"), to_follow.count(), _list_url())],
            )
        )
    if can(user, Capability.DOSSIER_CREATE) and not user.is_superuser:
        mine = visible.filter(
            Q(owner=user) | Q(team__user=user, team__role=TeamMember.Role.CO_LEADER)
        ).distinct()
        waiting = mine.filter(status__in=PORTEUR_TURN)
        result.append(
            Card(
                _("Mes dossiers"),
                _("Vos dossiers d'accès aux données et ceux de vos équipes."),
                _list_url(),
                [
                    CardItem(_("en attente de votre action"), waiting.count(), _list_url()),
                    CardItem(_("dossiers visibles"), visible.count(), _list_url()),
                ],
            )
        )
    unread = unread_messages(user).count()
    if result:
        # Every dossier card says how many messages wait, per user.
        result[-1].items.append(
            CardItem(
                _("message(s) non lu(s)"),
                unread,
                f"{reverse('access_requests:list')}?non_lus=1",
            )
        )
    return result
