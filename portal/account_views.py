"""The account pages a user manages alone: API tokens and two-factor authentication."""

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from .forms import ApiTokenForm, OtpCodeForm
from .middleware import SecondFactorRequiredMiddleware
from .roles import is_staff_member
from .tokens import api_token_issue, api_token_lifetime, api_token_revoke, api_tokens_of
from .two_factor import (
    otp_disable,
    otp_enrol_confirm,
    otp_recovery_codes_renew,
    otp_verify,
    qr_code_svg,
    totp_confirmed_device,
    totp_pending_device,
)


@login_required
def token_list(request):
    """The owner's tokens; a new one is shown once, right after it is created."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_issue(
            user=request.user, name=form.cleaned_data["name"], by=request.user
        )
        form = ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": api_tokens_of(request.user),
        "lifetime": api_token_lifetime(request.user),
    }
    return render(request, "portal/account/token_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Jeton révoqué."))
    return redirect("portal:token-list")


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _mark_verified(request, device) -> None:
    otp_login(request, device)
    request.session[SecondFactorRequiredMiddleware.SESSION_FLAG] = True


@login_required
def otp_setup(request):
    """Enrol an authenticator app (QR code), then show the recovery codes once."""
    user = request.user
    confirmed = totp_confirmed_device(user)
    if confirmed is not None and not user.is_verified():
        return redirect(f"{reverse('portal:otp-verify')}?next={request.path}")
    context = {
        "confirmed": confirmed,
        "mandatory": is_staff_member(user),
        "next": _safe_next(request),
    }
    if confirmed is None:
        device = totp_pending_device(user)
        form = OtpCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = otp_enrol_confirm(device=device, code=form.cleaned_data["code"], by=user)
            if codes is not None:
                _mark_verified(request, device)
                return render(
                    request,
                    "portal/account/otp_recovery_codes.html",
                    {"codes": codes, "next": context["next"]},
                )
            form.add_error("code", _("Code incorrect : vérifiez l'heure de votre téléphone."))
        context.update(
            form=form,
            qr_svg=mark_safe(qr_code_svg(device.config_url)),  # noqa: S308 - SVG we generated
            secret=b32encode(device.bin_key).decode(),
        )
    return render(request, "portal/account/otp_setup.html", context)


@login_required
def otp_verify_view(request):
    """The second step of the login for whoever has a second factor."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if totp_confirmed_device(request.user) is None:
        return redirect(f"{reverse('portal:otp-setup')}?next={_safe_next(request)}")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            _mark_verified(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _("Code incorrect ou déjà utilisé."))
    return render(
        request, "portal/account/otp_verify.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
@require_POST
def otp_recovery_codes_view(request):
    """New recovery codes (the old ones stop working); only after a verified login."""
    if not request.user.is_verified():
        return redirect("portal:otp-verify")
    codes = otp_recovery_codes_renew(user=request.user, by=request.user)
    return render(
        request,
        "portal/account/otp_recovery_codes.html",
        {"codes": codes, "next": reverse("portal:otp-setup")},
    )


@login_required
@require_POST
def otp_disable_view(request):
    """A project leader turns their optional second factor off; staff cannot."""
    if is_staff_member(request.user):
        raise PermissionDenied
    if not request.user.is_verified():
        return redirect("portal:otp-verify")
    otp_disable(user=request.user, by=request.user)
    request.session[SecondFactorRequiredMiddleware.SESSION_FLAG] = False
    messages.success(request, _("La double authentification est désactivée."))
    return redirect("portal:otp-setup")
