"""Audit of account events (logins, failures, role changes)."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from .audit import audit_record
from .roles import is_staff_member


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="account.login", target=user)
    if request is not None and hasattr(request, "session") and is_staff_member(user):
        # The idle timer starts at login: the login response itself sets the short cookie.
        request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)


@receiver(pre_save, sender=User)
def _on_password_change(sender, instance, update_fields=None, **kwargs):
    """A new password revokes every API token of the account (a stolen token dies with it)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None or old == instance.password:
        return
    from .models import ApiToken
    from .tokens import api_tokens_revoke_all

    api_tokens_revoke_all(
        user=instance,
        by=getattr(instance, "_changed_by", None) or instance,
        because=ApiToken.RevokedBecause.PASSWORD_CHANGED,
    )


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
