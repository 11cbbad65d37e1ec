"""Caseline settings, read from the environment (see .env.example).

DEBUG is off unless asked for. With DEBUG on and nothing configured, Caseline runs on the embedded
PostgreSQL server (agency.localdb) and kombu's filesystem broker under ``var/``, so ``make run`` needs no
server installed. PostgreSQL everywhere: the demo, the tests and production share one engine.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Local state of the demo (the embedded database, the filesystem broker); VAR_DIR moves it elsewhere.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-caseline-development-only-never-in-production"  # noqa: S105 (DEBUG only)
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach Caseline: links in e-mails and webhooks are built from it (agency.links.absolute_url;
# `manage.py check --deploy` warns while it is empty).
SITE_URL = (
    env.str("SITE_URL", default="")
    or (f"http://127.0.0.1:{env.int('PORT', default=8000)}" if DEBUG else "")
    or (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
).rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with https:// (or http://).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "agency",
    "offenders",
    "supervision",
    "demo",  # manage.py seed_demo (the demo agency); nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "agency.security.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "agency.middleware.RequestContextMiddleware",
    # agency.security: what spans every page and endpoint (see its docstring), after the request context
    # so that what they audit carries the source address and request id.
    "agency.security.SessionLimitsMiddleware",
    "agency.security.TwoFactorMiddleware",
    "agency.security.NoStoreMiddleware",
    "agency.security.DeniedAccessAuditMiddleware",
    "agency.security.PageThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# The reverse proxies in front of Caseline (addresses or networks, comma-separated): only when a request
# comes from one of them is X-Forwarded-For read for the client's address (agency.middleware). Empty:
# the connection's address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network ({_error}).") from None

ROOT_URLCONF = "agency.urls"
WSGI_APPLICATION = "agency.wsgi.application"
ASGI_APPLICATION = "agency.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supervision.notifications.context.notifications",  # the bell's count, read lazily
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# PostgreSQL only. DATABASE_URL in production and tests; with DEBUG on and no DATABASE_URL, the embedded
# server that `make run` starts (agency.localdb: data in var/postgres/, a Unix socket, no TCP port).
VAR_DIR.mkdir(parents=True, exist_ok=True)
EMBEDDED_POSTGRES_DIR = VAR_DIR / "postgres"
if "DATABASE_URL" in env:
    _database_url = env.str("DATABASE_URL")
elif DEBUG:
    from agency.localdb import EmbeddedServer, socket_dir_of

    _database_url = EmbeddedServer(
        data_dir=EMBEDDED_POSTGRES_DIR, socket_dir=socket_dir_of(EMBEDDED_POSTGRES_DIR)
    ).database_url("caseline")
else:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off, e.g. postgres://caseline:secret@db:5432/caseline."
    )
if not _database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL={_database_url.split(':', 1)[0]}:… is not PostgreSQL, and Caseline runs on PostgreSQL only "
        "(SQLite is not supported): "
        "set a postgres:// URL, or leave DATABASE_URL unset with DEBUG=true to use the embedded server (make run)."
    )
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: throttling counters (API and pages), shared by every web process through Redis ------------------
# Django's Redis backend with one client per process rather than one per call (agency/cache.py).
_cache_url = env.str("CACHE_URL", default=env.str("REDIS_URL", default=""))
CACHES = {
    "default": {"BACKEND": "agency.cache.RedisCache", "LOCATION": _cache_url}
    if _cache_url.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Users and sign-in ----------------------------------------------------------------------------
AUTH_USER_MODEL = "agency.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "agency.security.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: a locked-out username is refused before its password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (CJIS 5.5.3, AC-7): 5 failures for a username *from one address* lock that username from that
# address for 15 minutes (a success resets the count). Nobody can lock someone else out from elsewhere,
# and an administrator can still lift a lock at once (Users → “Unlock sign-in”, audited). One account
# failing from SIGN_IN_ALERT_ADDRESSES or more addresses within the lock period alerts the administrators
# (agency.sign_in.user_sign_in_alert). Locked out: 429 with a page that says until when.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "agency.middleware.client_address"  # the address the audit trail records
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock lasts its 15 minutes; retrying does not extend it
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = False  # unlocking goes through the audited user admin action, not by deleting rows
AXES_VERBOSE = False
CASELINE_SIGN_IN_ALERT_ADDRESSES = env.int("SIGN_IN_ALERT_ADDRESSES", default=3)
# Sessions: 30 minutes idle, 12 hours in all (agency.security.SessionLimitsMiddleware). The last activity
# is written at most once a minute, so a request does not cost a session write.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Pages warn this many seconds before the idle limit, with a "Stay signed in" button (WCAG 2.2.1).
SESSION_IDLE_WARNING = env.int("SESSION_IDLE_WARNING", default=2 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# TOTP two-factor (django-otp) for every browser user: required whenever DEBUG is off; the demo may
# leave it optional (a user who enrolled is still asked for a code).
CASELINE_REQUIRE_2FA = env.bool("CASELINE_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Caseline"
# The audit trail is append-only. `manage.py audit_archive`, run by the tables' owner, moves the rows older
# than AUDIT_RETENTION_DAYS (at least 365, CJIS 5.4.7) to a gzip JSON Lines file in AUDIT_ARCHIVE_DIR.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365 * 7)
if AUDIT_RETENTION_DAYS < 365:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 365 (CJIS 5.4.7).")
AUDIT_ARCHIVE_DIR = env.path("AUDIT_ARCHIVE_DIR", default=VAR_DIR / "audit-archive")
# Request bodies: 1 MiB at most (a larger one is refused with 413 before it is read).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Browser searches and exports per user per minute (agency.security.PageThrottleMiddleware).
CASELINE_PAGE_RATES = {
    "search": env.int("PAGE_SEARCHES_PER_MINUTE", default=60),
    "export": env.int("PAGE_EXPORTS_PER_MINUTE", default=10),
}

# --- Internationalisation ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Private files ------------------------------------------------------------------------------------
# Photos of people (offenders.storage.PrivateStorage): a folder outside MEDIA_ROOT and the static files that
# no URL maps to; the audited person-photo page reads them. Back it up with the database.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media"))).resolve()


def _private_root_check(private: Path, public: list[Path]) -> None:
    for folder in (p.resolve() for p in public):
        if private == folder or folder in private.parents or private in folder.parents:
            raise ImproperlyConfigured(f"PRIVATE_MEDIA_ROOT ({private}) must lie outside the public folder {folder}.")


_private_root_check(
    PRIVATE_MEDIA_ROOT,
    [Path(STATIC_ROOT), *map(Path, STATICFILES_DIRS)],
)
# A photo: a JPEG or PNG of at most this many bytes. Its upload page alone accepts a request body this large
# (plus the form around it); every other request keeps DATA_UPLOAD_MAX_MEMORY_SIZE.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_BODY_LIMITS = {r"^/people/\d+/record/photo/$": PHOTO_MAX_BYTES + 64 * 1024}

# --- Email ------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="caseline@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------------
# Default broker: kombu's filesystem transport under var/ (one host, a demo only); refused without DEBUG.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "CELERY_BROKER_URL=filesystem:// is for a local demo only: set CELERY_BROKER_URL "
            "(e.g. redis://redis:6379/0) when DEBUG is off."
        )
    _broker_dir = VAR_DIR / "broker"
    _folders = {name: _broker_dir / name for name in ("out", "processed", "control")}
    for _folder in _folders.values():
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_folders["out"]),
        "data_folder_out": str(_folders["out"]),
        "processed_folder": str(_folders["processed"]),
        "store_processed": False,
        "polling_interval": 0.25,  # seconds between looks at the folder (default 1): jobs start and stop sooner
        "control_folder": str(_folders["control"]),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The periodic jobs are rows in the database (migration supervision/0003_beat_schedule), editable in the
# admin. Run EXACTLY ONE beat (`celery -A agency beat`, or one worker started with -B): a second beat
# would send every periodic task twice. The jobs are idempotent (keyed per period), so that would waste
# work but change nothing.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "caseline"
# A worker that loses the broker connection cancels its running tasks: with acks_late they are redelivered.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_EXPIRES = 7 * 24 * 3600  # beat's celery.backend_cleanup removes older task results
CELERY_TIMEZONE = TIME_ZONE

# --- REST API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # knox first: an anonymous call then gets 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agency.api.authentication.ThrottledTokenAuthentication",  # knox, wrong tokens throttled and audited
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "agency.api.permissions.TokenScopePermission",
    ],
    # DRF's JSON written by orjson (agency/api/renderers.py), then DRF's browsable API.
    "DEFAULT_RENDERER_CLASSES": [
        "agency.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "agency.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["agency.api.filtersets.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "agency.api.errors.api_exception_handler",
    # DRF's JSON parser behind a nesting check (a body nested 5,000 levels deep is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "agency.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["agency.api.throttling.ApiRateThrottle", "agency.security.ApiSearchThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "search": env.str("API_THROTTLE_SEARCH", default="120/minute"),  # filtered or searched lists
        "token": env.str("API_THROTTLE_TOKEN", default="600/minute"),  # per token
        "user": env.str("API_THROTTLE_USER", default="600/minute"),  # per signed-in browser user
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),  # per address (the schema and docs)
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Wrong API tokens from one address per minute before that address gets 429 (agency.api.authentication).
CASELINE_API_FAILED_TOKENS_PER_MINUTE = env.int("API_FAILED_TOKENS_PER_MINUTE", default=10)
# Integrator tokens (django-rest-knox): stored hashed, expire, revoked by deleting them.
KNOX_TOKEN_MODEL = "knox.AuthToken"  # noqa: S105 (a model name, not a secret; migrations depend on it)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=365)),
    "TOKEN_PREFIX": "cl_",  # recognisable in logs and by secret scanners
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Caseline API",
    "DESCRIPTION": "Case management for probation and parole agencies.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("kind", "status", "result") get their own enum names.
    "ENUM_NAME_OVERRIDES": {
        "CheckInKindEnum": "supervision.choices.CheckInKind",
        "ViolationKindEnum": "supervision.choices.ViolationKind",
        "DrugTestResultEnum": "supervision.choices.DrugTestResult",
        "SubstanceResultEnum": "supervision.choices.SubstanceResult",
        "SupervisionStatusEnum": "supervision.choices.SupervisionStatus",
        "CheckInStatusEnum": "supervision.choices.CheckInStatus",
        "ViolationStatusEnum": "supervision.choices.ViolationStatus",
        "ReportStatusEnum": "supervision.choices.ReportStatus",
        "ComplianceStatusEnum": "supervision.choices.ComplianceStatus",
        "LevelEnum": "supervision.choices.SupervisionLevel",  # the name it had before risk levels were answered
        "RiskLevelEnum": "offenders.choices.RiskLevel",
        # a person's record (offenders/api/record.py)
        "AddressKindEnum": "offenders.choices.AddressKind",
        "AddressVerificationEnum": "offenders.choices.AddressVerification",
        "PhoneKindEnum": "offenders.choices.PhoneKind",
        "AliasKindEnum": "offenders.choices.AliasKind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
# /api/schema/, /api/docs/ and /api/guide/ are for signed-in users (a session or a token); true opens them to
# anyone (agency/api_guide.py).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

# --- Security headers -----------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere; the API docs page relaxes style-src only (agency/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Domain settings ---------------------------------------------------------------------------------
CASELINE = {
    # A webhook delivery is tried this many times (with a growing backoff), then marked failed.
    "WEBHOOK_MAX_ATTEMPTS": env.int("WEBHOOK_MAX_ATTEMPTS", default=8),
    # After this many failed tries of a report's delivery the administrators are emailed; the tries go on
    # every hour until it is delivered (agency.outbox, supervision.services.delivery).
    "REPORT_DELIVERY_ALERT_ATTEMPTS": env.int("REPORT_DELIVERY_ALERT_ATTEMPTS", default=8),
    # A worker's claim on a report delivery or a webhook event lasts this long (longer than a PDF, an email
    # and a POST with their timeouts); a worker that dies holding one is replaced when it runs out.
    "OUTBOX_LEASE_SECONDS": env.int("OUTBOX_LEASE_SECONDS", default=300),
    # How far ahead each active supervision's check-ins are kept scheduled.
    "CHECK_IN_HORIZON_DAYS": env.int("CHECK_IN_HORIZON_DAYS", default=60),
    # This many consecutive missed check-ins raise a possible-absconder alert to the unit supervisor.
    "ABSCONDER_CONSECUTIVE_MISSES": env.int("ABSCONDER_CONSECUTIVE_MISSES", default=3),
    # How people are reminded of a check-in that opens tomorrow: a supervision.services.reminders sender.
    "REMINDER_SENDER": env.str("REMINDER_SENDER", default="supervision.services.reminders.EmailReminderSender"),
    # A full caseload for one officer, in weighted cases, by supervision type (the supervisor dashboard).
    "CASELOAD_STANDARD": {"parole": 50, "probation": 100},
    # How much one case counts towards a caseload, by supervision level (medium counts 1).
    "LEVEL_WEIGHTS": {"high": 2.0, "medium": 1.0, "low": 0.5, "administrative": 0.25},
    # An inactive (non-reporting) probation case counts this much, whatever its level.
    "INACTIVE_WEIGHT": 0.1,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
