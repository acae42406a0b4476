from django.conf import settings

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
