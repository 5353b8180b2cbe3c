"""kohapay settings, driven by the environment (the configuration table is in docs/operations.md).

Sections: paths and environment · security · applications · database · time · REST API ·
static files and templates · logging · kohapay's own rules.
"""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- paths and environment ---------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # demo database and other local state; git-ignored
VAR_DIR.mkdir(exist_ok=True)
DEBUG = env_bool("KOHAPAY_DEBUG", False)

# --- security ----------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("KOHAPAY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set KOHAPAY_SECRET_KEY (or KOHAPAY_DEBUG=1 for a local demo).")
    # A throw-away key for local demos: sessions do not survive a restart, and nothing is committed.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("KOHAPAY_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("KOHAPAY_CSRF_TRUSTED_ORIGINS", "")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("KOHAPAY_SESSION_SECONDS", 8 * 3600))
# Django's database sessions; a Koha staff session lives by Koha's timeout preference instead.
SESSION_ENGINE = "core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Production is HTTPS (usually behind a TLS-terminating proxy); the demo is plain HTTP.
HTTPS = env_bool("KOHAPAY_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("KOHAPAY_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("KOHAPAY_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("KOHAPAY_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP on the private side: never redirect it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Largest request body accepted (API bodies are a few hundred bytes); larger API bodies get a
# Koha-shaped 413 (core.errors).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("KOHAPAY_MAX_BODY_BYTES", 64 * 1024))
SECURE_REFERRER_POLICY = "same-origin"

# --- applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "koha.apps.KohaConfig",
    "core.apps.CoreConfig",
    "payments.apps.PaymentsConfig",
    "registers.apps.RegistersConfig",
    "journal.apps.JournalConfig",
    "demo.apps.DemoConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.errors.ApiErrorMiddleware",  # /api/: 413, 5xx in Koha's shape
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Koha staff sessions: idle timeout and the re-check against Koha (after the two above)
    "core.staff_sessions.KohaStaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kohapay.urls"
WSGI_APPLICATION = "kohapay.wsgi.application"
ASGI_APPLICATION = "kohapay.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
# Django's own ModelBackend for kohapay's users, then Koha staff logins (core.backends; asked by
# the dashboard's login form only). Renaming a backend logs out its sessions once: Django ties a
# session to the backend path that logged it in (issue 13 moved from kohapay's copy of
# ModelBackend back to Django's). ModelBackend comes first so that a kohapay user's right
# password is never counted as a failed Koha login.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "core.backends.KohaStaffBackend",
]
LOGIN_REDIRECT_URL = "registers:overview"
LOGOUT_REDIRECT_URL = "login"

# --- database ----------------------------------------------------------------------------------
# One database: Koha's. kohapay's own tables live beside Koha's so that one transaction covers both.
# Unset DATABASE_URL means the embedded SQLite demo database.
DEMO_DATABASE_URL = f"sqlite:///{VAR_DIR / 'kohapay-demo.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEMO_DATABASE_URL
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("KOHAPAY_CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"]["OPTIONS"] = {
        "charset": "utf8mb4",
        # Our sessions speak UTC (Django converts to and from KOHA_TIME_ZONE), so a `timestamp`
        # column holds the true instant and Koha's own session, in Koha's zone, reads it back as the
        # right local time. Strict mode: we would rather fail than have a value silently truncated.
        "init_command": (
            "SET time_zone = '+00:00', "
            "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
            "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
        ),
        "isolation_level": "read committed",
    }
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

# Shared state lives in the database, never in a process: the rate limits count in their own table
# (core.RateCounter), and nothing uses Django's cache. A dummy cache keeps it that way: a
# per-process cache would silently give each gunicorn worker and host its own state.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# --- time --------------------------------------------------------------------------------------
# Koha's zone: what a "day" is on the dashboard, and how Koha reads the instants we write.
KOHA_TIME_ZONE = os.environ.get("KOHA_TIME_ZONE", "UTC")
TIME_ZONE = KOHA_TIME_ZONE
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = True

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["payments.authentication.ApiClientAuthentication"],
    # A Koha API key's owner must also hold the view's Koha permission (payments.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "payments.permissions.HoldsKohaPermission"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.DecimalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.ExactJSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.koha_exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
    # Per-client (else per-user, else per-IP) rate limit on every API view (core.throttling);
    # the token endpoint has its own, per client_id and per IP.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.ApiRateThrottle"],
    # X-Forwarded-For is trusted for the client's IP only behind the proxy that sets it.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kohapay API",
    "DESCRIPTION": (
        "Atomic payment intake for Koha patron accounts: one call records the charge, the payment "
        "and the offsets linking them, journaled to a cash register, exactly as Koha writes them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the drf-spectacular-sidecar package, not a CDN: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "payments.openapi.close_request_bodies",  # additionalProperties: false on intakes
        "payments.sales.openapi.close_sale_bodies",  # … on sales and refunds; 1–100 items
    ],
}
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("KOHAPAY_TOKEN_SECONDS", 3600)),
    "SCOPES": {"payments": "Record and read payments"},
    "DEFAULT_SCOPES": ["payments"],
    # Tokens only for applications of *active* kohapay clients.
    "OAUTH2_VALIDATOR_CLASS": "payments.oauth.ApiClientOAuth2Validator",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"

# --- static files and templates ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"  # `collectstatic` target for production
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the apps directly when collectstatic has not run
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
            ],
        },
    },
    {
        # The dashboard's table rows (registers/templatetags/dashboard.py): Jinja2, autoescape on.
        "NAME": "rows",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "registers.templatetags.dashboard.jinja_environment",
                    "autoescape": True},
    },
]

# --- logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Plain lines, except the logger kohapay.intake: one JSON object per line, one line per
        # intake (payments.intake_log), for log shippers.
        "plain": {
            "()": "payments.intake_log.IntakeJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KOHAPAY_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "kohapay.intake": {"level": "INFO"},
        # At DEBUG the toolkit logs a *wrong* client secret (a typo of the real one, or an old
        # one) and raw Basic credentials, and oauthlib every token it issues: never below INFO,
        # whatever KOHAPAY_LOG_LEVEL says (tests/core/test_operability.py).
        "oauth2_provider": {"level": "INFO"},
        "oauthlib": {"level": "INFO"},
    },
}

# --- kohapay's own rules -----------------------------------------------------------------------
KOHAPAY_MAX_AMOUNT = Decimal(os.environ.get("KOHAPAY_MAX_AMOUNT", "10000"))
KOHAPAY_IDEMPOTENCY_DAYS = int(os.environ.get("KOHAPAY_IDEMPOTENCY_DAYS", 30))
# The Koha patron (borrowernumber) that cashups by kohapay's own Finance staff users are recorded
# as (Koha's manager_id must be a patron); unset: only Koha staff logins cash up.
KOHAPAY_CASHUP_MANAGER_ID = (int(os.environ["KOHAPAY_CASHUP_MANAGER_ID"])
                             if os.environ.get("KOHAPAY_CASHUP_MANAGER_ID") else None)
# Rate limits (DRF rate strings: "<n>/<sec|min|hour|day>"): API calls per client, and token
# requests per client_id and per IP (a brake on guessing secrets).
KOHAPAY_API_RATE = os.environ.get("KOHAPAY_API_RATE", "600/min")
KOHAPAY_TOKEN_RATE = os.environ.get("KOHAPAY_TOKEN_RATE", "30/min")
# Dashboard login attempts per address and per username (core.throttling.login_wait): a brake on
# guessing passwords before Koha's own lockout (FailedLoginAttempts) counts them.
KOHAPAY_LOGIN_RATE = os.environ.get("KOHAPAY_LOGIN_RATE", "20/min")
# Koha staff logins (core.staff_login; docs/security.md, "Koha staff logins"). Off for a Koha that
# authenticates its staff through LDAP, CAS or single sign-on: its local password hashes are then
# not the passwords Koha checks.
KOHAPAY_KOHA_LOGIN = env_bool("KOHAPAY_KOHA_LOGIN", True)
# Koha's legacy MD5 password hashes (accounts whose password has not changed since Koha 3.x).
KOHAPAY_KOHA_LEGACY_MD5 = env_bool("KOHAPAY_KOHA_LEGACY_MD5", False)
# A Koha staff session asks Koha again at least this often (seconds; core.staff_sessions).
KOHAPAY_KOHA_RECHECK_SECONDS = 60
