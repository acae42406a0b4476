from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import account_views, api, forms, views

router = SimpleRouter()
router.register("jobs", api.JobViewSet, basename="api-jobs")
router.register("auth/tokens", api.ApiTokenViewSet, basename="api-tokens")

portal_patterns = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel_view, name="job-cancel"),
    path("jobs/<uuid:pk>/retry/", views.job_retry_view, name="job-retry"),
    path("comptes/2fa/", account_views.otp_setup, name="otp-setup"),
    path("comptes/2fa/verifier/", account_views.otp_verify_view, name="otp-verify"),
    path("comptes/2fa/codes/", account_views.otp_recovery_codes_view, name="otp-recovery-codes"),
    path("comptes/2fa/desactiver/", account_views.otp_disable_view, name="otp-disable"),
    path("comptes/jetons/", account_views.token_list, name="token-list"),
    path("comptes/jetons/<int:pk>/revoquer/", account_views.token_revoke, name="token-revoke"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("pages/<slug:slug>/", views.info_page, name="page"),
    path("etat/", views.status_page, name="status"),
    path("", include((portal_patterns, "portal"))),
    path(
        "comptes/login/",
        auth_views.LoginView.as_view(authentication_form=forms.LoginForm),
        name="login",
    ),
    path(
        "comptes/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "comptes/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "comptes/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("comptes/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("catalogue/qualite/", include("catalogue.quality.urls")),
    path("catalogue/", include("catalogue.codelists.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("omop/", include("omop.urls")),
    path("publications/", include("bibliometrics.urls")),
    path("dossiers/", include("access_requests.urls")),
    path("api/", api.api_root, name="api-root"),
    path("api/", include(router.urls)),
    path("api/catalogue/quality/", include("catalogue.quality.api_urls")),
    path("api/catalogue/", include("catalogue.codelists.api_urls")),
    path("api/catalogue/", include("catalogue.api_urls")),
    path("api/omop/", include("omop.api_urls")),
    path("api/publications/", include("bibliometrics.api_urls")),
    path("api/dossiers/", include("access_requests.api_urls")),
    path("api/auth/token/", api.obtain_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

admin.site.site_header = "Portail HDH — administration"
admin.site.site_title = "Portail HDH"

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
