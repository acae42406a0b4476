"""Two-factor authentication (TOTP apps, with single-use recovery codes), on django-otp.

Every staff member and admin must verify a second factor after their password; project
leaders may opt in, and once enrolled they verify too. Devices are django-otp's: one
``TOTPDevice`` (an authenticator app) and one ``StaticDevice`` holding the recovery codes.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .roles import is_staff_member

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Application"
RECOVERY_DEVICE_NAME = "Codes de secours"


def second_factor_required(user) -> bool:
    """Staff and admins always; anyone else once they have enrolled."""
    return is_staff_member(user) or user_has_device(user)


def totp_pending_device(user) -> TOTPDevice:
    """The unconfirmed app device being enrolled (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def totp_confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def qr_code_svg(text: str) -> str:
    """An inline SVG QR code (no image file, no external service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def otp_enrol_confirm(*, device: TOTPDevice, code: str, by) -> list[str] | None:
    """Confirm the app device with a first code; returns the recovery codes (shown once).

    ``None`` when the code is wrong.
    """
    with transaction.atomic():
        if not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(device.user)
        audit_record(actor=by, action="account.otp_enrol", target=device.user)
    return codes


def otp_recovery_codes_renew(*, user, by) -> list[str]:
    """Replace every recovery code of ``user`` (the old ones stop working)."""
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=by, action="account.otp_recovery_codes_renew", target=user)
    return codes


def otp_verify(*, user, code: str):
    """The device that accepts ``code`` (app code or recovery code, used up), or ``None``."""
    code = "".join(code.split())
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.filter(user=user, confirmed=True).select_for_update():
                if device.verify_token(code):
                    action = (
                        "account.otp_recovery_code_used"
                        if isinstance(device, StaticDevice)
                        else "account.otp_verify"
                    )
                    audit_record(actor=user, action=action, target=user)
                    return device
        audit_record(actor=user, action="account.otp_failure", target=user)
    return None


def otp_disable(*, user, by) -> None:
    """Remove a project leader's second factor (staff cannot go without one)."""
    if is_staff_member(user):
        raise PermissionError("second_factor_mandatory")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=by, action="account.otp_disable", target=user)
