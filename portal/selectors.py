"""Reads of the portal app."""

from django.db.models import Q, QuerySet

from .actors import is_signed_in
from .models import AuditEntry, Job
from .roles import CAPABILITIES, user_roles


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs a user may see: their own, those of a capability they hold; admins see all."""
    if not is_signed_in(user):
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    roles = user_roles(user)
    capabilities = [cap for cap, holders in CAPABILITIES.items() if roles & holders]
    return Job.objects.filter(Q(created_by=user) | Q(capability__in=capabilities))


def audit_entries_for(target) -> QuerySet[AuditEntry]:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(target, for_concrete_model=False)
    return AuditEntry.objects.filter(target_type=ct, target_id=str(target.pk))
