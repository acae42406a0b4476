"""Settings of the HDH portal.

Everything comes from environment variables (12-factor). Without any variable the portal
runs in its *embedded* mode: SQLite under ``var/``, a Celery worker on kombu's filesystem
transport (no server needed), Spark in ``local[*]``. ``DJANGO_ENV=production`` switches on
the hardened settings and makes the secrets mandatory.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HDH_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# --- Environment ----------------------------------------------------------------------
DJANGO_ENV = env.str("DJANGO_ENV", default="embedded")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    # Only for the embedded mode on one machine; production refuses to start without one.
    SECRET_KEY = env.str("SECRET_KEY", default="embedded-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",  # django-dsfr's radio and checkbox templates load it
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the portal, not by a CDN
    "csp",
    "import_export",
    "simple_history",
    "portal.apps.AxesConfig",  # django-axes, with a section name people understand
    "django_otp",
    "portal.apps.OtpTotpConfig",  # django-otp's TOTP devices
    "portal.apps.OtpStaticConfig",  # django-otp's recovery codes
    "portal",
    "catalogue",
    "catalogue.quality",
    "catalogue.codelists",
    "omop",
    "bibliometrics",
    "access_requests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.NulCharacterMiddleware",  # after the user: the 400 page shows them
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.SecondFactorRequiredMiddleware",
    "portal.middleware.StaffIdleTimeoutMiddleware",
    "portal.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at the same time: WAL + immediate transactions
    # avoid "database is locked" under that load.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.lockout.UsernameDelayBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g.
# "10.0.0.0/8,127.0.0.1"); empty: the client is REMOTE_ADDR (see portal/lockout.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Addresses users type in (partner catalogues) are fetched only from public hosts; list
# here the private networks that may be read too (e.g. "10.20.0.0/16"). See portal/outbound.py.
OUTBOUND_PRIVATE_NETWORKS = env.list("OUTBOUND_PRIVATE_NETWORKS", default=[])
# django-axes: lock a client address after 10 failed logins, for one hour. A user name
# alone is never locked: attempts at a name that failed recently are slowed instead.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.lockout.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_DELAY_FREE_FAILURES = env.int("LOGIN_DELAY_FREE_FAILURES", default=3)
LOGIN_DELAY_BASE_SECONDS = env.float("LOGIN_DELAY_BASE_SECONDS", default=0.5)
LOGIN_DELAY_MAX_SECONDS = env.float("LOGIN_DELAY_MAX_SECONDS", default=4.0)
LOGIN_DELAY_WINDOW_SECONDS = env.int("LOGIN_DELAY_WINDOW_SECONDS", default=15 * 60)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# Staff (users with a staff role, and admins) are logged out after 30 minutes idle.
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)

# --- Sessions and API tokens (issue 20, defect 7) --------------------------------------
# Staff sessions: the idle timer starts at login (portal.signals) and slides with each
# request (portal.middleware); their cookie lives STAFF_IDLE_TIMEOUT_SECONDS, not 12 hours.
# API tokens expire: a few hours for staff, some days for everyone else; a password
# change revokes them all.
API_TOKEN_STAFF_TTL_HOURS = env.int("API_TOKEN_STAFF_TTL_HOURS", default=8)
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# --- Two-factor authentication (issue 20) -----------------------------------------------
# Staff and admins verify a TOTP code (or a single-use recovery code) after their password
# (portal.middleware.SecondFactorRequiredMiddleware); project leaders may opt in.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portail HDH")
# Wrong codes slow the next attempt down exponentially (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Rate limits (issue 20) -------------------------------------------------------------
# "N/s|m|h|d" per client address (and per submitted name for login and password reset),
# counted in the shared cache; see portal/ratelimits.py for which URL uses which.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMITS = {
    "login": env.str("RATELIMIT_LOGIN", default="20/m"),
    "login_name": env.str("RATELIMIT_LOGIN_NAME", default="10/m"),
    "password_reset": env.str("RATELIMIT_PASSWORD_RESET", default="10/h"),
    "password_reset_email": env.str("RATELIMIT_PASSWORD_RESET_EMAIL", default="3/h"),
    "token": env.str("RATELIMIT_TOKEN", default="10/m"),
    "search": env.str("RATELIMIT_SEARCH", default="120/m"),
    "export": env.str("RATELIMIT_EXPORT", default="30/m"),
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
# Plotly: the partial bundle in portal/static/portal/vendor/plotly (see its build.sh).
STATICFILES_DIRS: list = []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed copies made by collectstatic (``runportal`` runs it too), served by
    # WhiteNoise with a one-year immutable cache; see portal/storage.py.
    "staticfiles": {
        "BACKEND": "portal.storage.StaticStorage",
        "OPTIONS": {"manifest_strict": PRODUCTION},
    },
}
# Outside production, files not collected yet are served from the apps' folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served publicly: downloads go through permission-checked views
# Private files (dossier documents, uploads, ETL outputs) live here, outside the web root.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(VAR_DIR / "private")))
# Folder under which staff may point jobs at server-side files (extracts, data files).
DATA_ROOT = Path(env.str("DATA_ROOT", default=str(VAR_DIR / "data")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every upload is measured as it arrives (portal/uploads.py): views set their own limit,
# this one holds for the others (the largest: a table to profile).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=2 * 1024**3)
FILE_UPLOAD_HANDLERS = [
    "portal.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- Audit log retention and DPO export (issue 20) ---------------------------------------
# Entries older than AUDIT_RETENTION_DAYS are exported (gzipped JSON lines, with their
# SHA-256 in the purge's own audit entry) to AUDIT_EXPORT_ROOT for the DPO, then deleted by
# the nightly portal.audit_retention task. `manage.py audit_export` answers DPO requests.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=3 * 365)
AUDIT_EXPORT_ROOT = Path(env.str("AUDIT_EXPORT_ROOT", default=str(PRIVATE_ROOT / "audit-exports")))

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Portail HDH <noreply@health-data-hub.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs (Celery) ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
else:
    # Embedded mode: a real worker process, through a broker that needs no server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A SIGTERM lets running jobs finish for this long (Celery's soft shutdown), then the worker
# stops them and hands them back (failed, retryable): under `docker stop`'s 10 s.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("WORKER_SHUTDOWN_TIMEOUT_SECONDS", default=6.0)
# The beat sleeps in one uninterruptible call until its next task (a minute): short sleeps
# let a worker started with --beat stop at once.
CELERY_BEAT_MAX_LOOP_INTERVAL = 2
# A running job whose worker has not sent a heartbeat for this long is marked failed.
JOB_HEARTBEAT_TIMEOUT_SECONDS = env.int("JOB_HEARTBEAT_TIMEOUT_SECONDS", default=120)
CELERY_BEAT_SCHEDULE = {
    "jobs-fail-stale": {"task": "portal.fail_stale_jobs", "schedule": 60.0},
    # Reminds the guichet of what is due within ACCESS_REMINDER_DAYS, applies tacit opinions.
    # Keeps /healthz's worker ping fresh without a request ever waiting for it (issue 20).
    "portal-refresh-worker-health": {
        "task": "portal.refresh_worker_health",
        "schedule": float(env.int("HEALTH_REFRESH_SECONDS", default=30)),
    },
    "portal-audit-retention": {
        "task": "portal.audit_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "access-requests-daily-deadlines": {
        "task": "access_requests.daily_deadlines",
        "schedule": crontab(hour=7, minute=0),
    },
    # Tells teams and "projets" before an authorisation expires or results fall due.
    "access-requests-follow-up-reminders": {
        "task": "access_requests.follow_up_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    # Harvests the partner catalogues whose refresh period has passed (catalogue).
    "catalogue-partners-refresh": {"task": "catalogue.partners_refresh_due", "schedule": 900.0},
    # Refreshes the saved literature queries whose interval has passed (bibliometrics).
    "bibliometrics-saved-queries": {
        "task": "bibliometrics.refresh_due_queries",
        "schedule": 3600.0,
    },
    # Citation counts and references from OpenAlex, for those not checked for 30 days.
    "bibliometrics-citations-weekly": {
        "task": "bibliometrics.refresh_citations_weekly",
        "schedule": 7 * 24 * 3600.0,
    },
}

# --- Cache and health probe (issue 20, defect 8) ------------------------------------------
# One cache shared by every web and worker process: rate-limit counters, the workers'
# last ping for /healthz, the dashboards' figures. Redis when there is one, else files.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "hdh",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# /healthz never pings the workers itself: it reads the last ping, refreshed by the beat
# task and, when older than HEALTH_REFRESH_SECONDS, by a background thread of the web process.
HEALTH_REFRESH_SECONDS = env.int("HEALTH_REFRESH_SECONDS", default=30)
# A ping older than this no longer counts: the workers are reported down.
HEALTH_WORKER_MAX_AGE_SECONDS = env.int("HEALTH_WORKER_MAX_AGE_SECONDS", default=120)
HEALTH_PING_TIMEOUT_SECONDS = env.float("HEALTH_PING_TIMEOUT_SECONDS", default=2.0)

# --- Spark ----------------------------------------------------------------------------
SPARK_MASTER_URL = env.str("SPARK_MASTER_URL", default="local[*]")
SPARK_DRIVER_MEMORY = env.str("SPARK_DRIVER_MEMORY", default="2g")
# shuffle partitions of an OMOP conversion; 0: from the extract's size
OMOP_SPARK_SHUFFLE_PARTITIONS = env.int("OMOP_SPARK_SHUFFLE_PARTITIONS", default=0)
# extracts at least this large go to Spark by default when SPARK_MASTER_URL names a cluster
OMOP_SPARK_MIN_BYTES = env.int("OMOP_SPARK_MIN_BYTES", default=5 * 1024**3)

# --- Catalogue imports from the web (portal.archives bounds the unpacking) -------------
CATALOGUE_UPLOAD_MAX_BYTES = env.int("CATALOGUE_UPLOAD_MAX_BYTES", default=100 * 1024**2)
CATALOGUE_UNPACKED_MAX_BYTES = env.int("CATALOGUE_UNPACKED_MAX_BYTES", default=1024**3)
# drug referentials uploaded for the code lists (IR_PHA_R, the three BDPM files), per request
CODELISTS_UPLOAD_MAX_BYTES = env.int("CODELISTS_UPLOAD_MAX_BYTES", default=500 * 1024**2)

# --- Profiling (catalogue.quality) ---------------------------------------------------
PROFILING_UPLOAD_MAX_BYTES = env.int("PROFILING_UPLOAD_MAX_BYTES", default=2 * 1024**3)
# DuckDB's memory cap before it spills to disk: files larger than RAM still profile.
PROFILING_MEMORY_LIMIT = env.str("PROFILING_MEMORY_LIMIT", default="1GB")
PROFILING_TEMP_DIR = env.str("PROFILING_TEMP_DIR", default="") or None

# --- OMOP conversions from the portal ------------------------------------------------
OMOP_UPLOAD_MAX_BYTES = env.int("OMOP_UPLOAD_MAX_BYTES", default=500 * 1024**2)
OMOP_GENERATED_MAX_PERSONS = env.int("OMOP_GENERATED_MAX_PERSONS", default=20_000)
OMOP_DOWNLOAD_MAX_BYTES = env.int("OMOP_DOWNLOAD_MAX_BYTES", default=200 * 1024**2)
# the DuckDB engine's memory cap: intermediate tables and sorts beyond it spill to disk
OMOP_DUCKDB_MEMORY_LIMIT = env.str("OMOP_DUCKDB_MEMORY_LIMIT", default="2GB")
OMOP_DUCKDB_THREADS = env.int("OMOP_DUCKDB_THREADS", default=0)  # 0: every core
# where conversions spill (DuckDB) and stage; empty: next to the output
OMOP_TEMP_DIR = env.str("OMOP_TEMP_DIR", default="") or None
# pins the day of a conversion (cdm_release_date) for reproducible outputs
SOURCE_DATE_EPOCH = env.str("SOURCE_DATE_EPOCH", default="") or None

# --- OMOP vocabularies (Athena bundles, SOURCE_TO_CONCEPT_MAP) -------------------------
# DuckDB's memory cap while a bundle is checked and turned into Parquet (spills beyond).
OMOP_VOCABULARY_MEMORY = env.str("OMOP_VOCABULARY_MEMORY", default="512MB")

# --- Publications (bibliometrics) ------------------------------------------------------
# An import (upload or files on the server) above this size is refused: split the export.
PUBLICATION_IMPORT_MAX_BYTES = env.int("PUBLICATION_IMPORT_MAX_BYTES", default=500 * 1024**2)
# Literature connectors: the contact address PubMed and OpenAlex ask of polite clients, and
# an NCBI API key (10 requests per second instead of 3). Secrets: from the environment only.
BIBLIO_CONTACT_EMAIL = env.str("BIBLIO_CONTACT_EMAIL", default="")
BIBLIO_PUBMED_API_KEY = env.str("BIBLIO_PUBMED_API_KEY", default="")
# The APIs' addresses (a mirror, a proxy, or the recorded answers a test serves locally).
BIBLIO_PUBMED_URL = env.str(
    "BIBLIO_PUBMED_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
)
BIBLIO_OPENALEX_URL = env.str("BIBLIO_OPENALEX_URL", default="https://api.openalex.org/")
BIBLIO_HAL_URL = env.str("BIBLIO_HAL_URL", default="https://api.archives-ouvertes.fr/search/")

# --- Publication rules ----------------------------------------------------------------
# SNDS publication rule: no count about people below this threshold is ever published.
SMALL_CELL_THRESHOLD = env.int("SMALL_CELL_THRESHOLD", default=10)

# --- Access procedure (access_requests) ----------------------------------------------
ACCESS_COMPLETENESS_WORKING_DAYS = env.int("ACCESS_COMPLETENESS_WORKING_DAYS", default=7)
ACCESS_CESREES_MONTHS = env.int("ACCESS_CESREES_MONTHS", default=1)
ACCESS_CNIL_MONTHS = env.int("ACCESS_CNIL_MONTHS", default=2)
ACCESS_CNIL_RENEWALS = env.int("ACCESS_CNIL_RENEWALS", default=1)
ACCESS_RAPPORTEUR_MONTHLY_LIMIT = env.int("ACCESS_RAPPORTEUR_MONTHLY_LIMIT", default=4)
ACCESS_REMINDER_DAYS = env.int("ACCESS_REMINDER_DAYS", default=3)
ACCESS_DOCUMENT_MAX_BYTES = env.int("ACCESS_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# The porteur's time to answer a request for complements (the guichet's clock stops).
ACCESS_COMPLEMENTS_WORKING_DAYS = env.int("ACCESS_COMPLEMENTS_WORKING_DAYS", default=20)
# An authorisation without an end date runs for the project's duration, or this long.
ACCESS_AUTHORISATION_DEFAULT_MONTHS = env.int("ACCESS_AUTHORISATION_DEFAULT_MONTHS", default=36)
ACCESS_FOLLOW_UP_REMINDER_DAYS = env.int("ACCESS_FOLLOW_UP_REMINDER_DAYS", default=60)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "portal.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.StrictJSONParser",
        "portal.parsers.StrictFormParser",
        "portal.parsers.StrictMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token exchange, searches and exports are rate-limited (portal.ratelimits, issue 20).
    "DEFAULT_THROTTLE_CLASSES": ["portal.ratelimits.ApiThrottle"],
    # One application error (portal.errors.PortalError) and its status, for every API.
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail HDH",
    "DESCRIPTION": "Catalogue, conversions OMOP, bibliométrie SNDS et dossiers d'accès.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf-spectacular-sidecar, under our own /static/.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "access_requests.models.Status",
        "DossierRouteEnum": "access_requests.models.Route",
        "DocumentKindEnum": "access_requests.models.Document.Kind",
        "MessageKindEnum": "access_requests.models.Message.Kind",
        "JobStatusEnum": "portal.models.Job.Status",
    },
}
DSFR_MARK_OPTIONAL_FIELDS = True
# django-dsfr's integrity hashes are those of its files as shipped; collectstatic's manifest
# storage rewrites the url()s inside the CSS to hashed names, so the browser blocked the
# collected DSFR stylesheets (unstyled pages in production). The files come from our own
# origin under hashed names, which is what integrity would protect for a CDN.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# --- Import / export ------------------------------------------------------------------
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Spreadsheet exports from every admin page go through the one cell neutraliser.
IMPORT_EXPORT_FORMATS = import_string("portal.export_formats.FORMATS")
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP by the orchestrator.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Content-Security-Policy and Permissions-Policy (issue 20) ---------------------------
# Scripts: our own files, and inline scripts carrying the request's nonce
# (``nonce="{{ request.csp_nonce }}"``); nothing from another origin, no eval. Styles keep
# 'unsafe-inline' for style attributes (DSFR, Plotly): no script runs from a style.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features the portal never uses are switched off for every page.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
    ),
)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_one_line": {"()": "portal.logfilters.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "py4j": {"level": "WARNING"},
        "django.request": {"filters": ["forbidden_one_line"]},
    },
}
