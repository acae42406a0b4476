"""Audit of account events (logins, failures, role changes)."""

from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .audit import audit_record


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="account.login", target=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="account.logout", target=user)


@receiver(m2m_changed, sender=User.groups.through)
def _on_roles_changed(sender, instance, action, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    request_user = getattr(instance, "_changed_by", None)
    audit_record(
        actor=request_user,
        action=f"account.roles_{action.split('_')[1]}",
        target=instance,
        changes={"roles": names},
    )
