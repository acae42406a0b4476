from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as otp_static_apps
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class PortalConfig(AppConfig):
    default = True  # this module also declares other apps' configs (below)
    name = "portal"
    verbose_name = _("Portail : tâches de fond, jetons d'API, journal d'audit")

    def ready(self) -> None:
        from . import celery, signals  # noqa: F401

        celery.ensure_broker_dirs()


# Admin sections named for people, not after the third-party packages' raw labels
# ("AXES", "OTP_TOTP"): INSTALLED_APPS lists these configs instead of the packages.
class AxesConfig(axes_apps.AppConfig):
    verbose_name = _("Connexions échouées et blocages")


class OtpTotpConfig(otp_totp_apps.DefaultConfig):
    verbose_name = _("Double authentification : applications")


class OtpStaticConfig(otp_static_apps.DefaultConfig):
    verbose_name = _("Double authentification : codes de secours")
