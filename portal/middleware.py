from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

from .roles import is_staff_member


class StaffIdleTimeoutMiddleware:
    """HDH staff sessions expire after ``STAFF_IDLE_TIMEOUT_SECONDS`` without a request.

    The expiry slides: every request of a staff member pushes it back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and is_staff_member(user):
            request.session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Who must verify a second factor has not yet: only the 2FA pages answer.

    Pages redirect to the verification (or, without a device yet, the enrolment) page and
    come back; the API answers 403 ``otp_required``. Place after django-otp's middleware.
    """

    ALWAYS_OPEN = ("/comptes/2fa/", "/comptes/logout/", "/static/", "/i18n/", "/healthz", "/etat/")
    SESSION_FLAG = "second_factor_required"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALWAYS_OPEN)
            and not user.is_verified()
            and self._required(request, user)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    def _required(self, request, user) -> bool:
        from .two_factor import second_factor_required

        # Asked once per session: a porteur's opt-in sets it when they enrol.
        required = request.session.get(self.SESSION_FLAG)
        if required is None:
            required = second_factor_required(user)
            request.session[self.SESSION_FLAG] = required
        return required

    def _refuse(self, request, user):
        from urllib.parse import urlencode

        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.urls import reverse

        from .two_factor import totp_confirmed_device

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "otp_required"}, status=403)
        target = "portal:otp-verify" if totp_confirmed_device(user) else "portal:otp-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NulCharacterMiddleware:
    """A NUL character in the address (its path or its query) is a 400, before any view: a
    lookup or a search on it was a 500 (PostgreSQL cannot compare text holding one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest(_("Une adresse ne peut pas contenir de caractère nul."))
        return self.get_response(request)
