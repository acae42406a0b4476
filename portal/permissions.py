"""Permission helpers for views and the API, all asking :func:`portal.roles.can`."""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .roles import Capability, can


class CapabilityRequiredMixin(AccessMixin):
    """Anonymous → login page; logged in without the capability → 403."""

    capability: Capability | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, self.capability):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def capability_required(capability: Capability):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def HasCapability(capability: Capability) -> type[BasePermission]:  # noqa: N802 - reads like a class
    """DRF permission class factory:
    ``permission_classes = [HasCapability(Capability.OMOP_RUN)]``."""

    class _HasCapability(BasePermission):
        def has_permission(self, request, view):
            return can(request.user, capability)

    _HasCapability.__name__ = f"HasCapability[{capability}]"
    return _HasCapability


def HasCapabilityOrReadOnly(capability: Capability) -> type[BasePermission]:  # noqa: N802
    """Public read, writes for the capability (the catalogue's rule)."""

    class _Perm(BasePermission):
        def has_permission(self, request, view):
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return True
            return can(request.user, capability)

    _Perm.__name__ = f"HasCapabilityOrReadOnly[{capability}]"
    return _Perm
