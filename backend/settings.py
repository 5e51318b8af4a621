"""One settings module, read from the environment: loud on nonsense, quiet defaults that run.

Every variable is listed in `.env.example`. With nothing set, the product runs embedded:
SQLite, the in-memory channel layer, DEBUG on.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from backend.redis_config import channel_layer_hosts

# Lets admin classes and querysets be written with type parameters (admin.ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """postgres://user:pass@host:port/name?sslmode=... or sqlite:///path."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options: dict[str, object] = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        # The queries here are short OLTP reads: JIT compilation only adds latency to them.
        options.setdefault("options", "-c jit=off")
        # Server-side binding lets psycopg prepare a statement once a connection has run it
        # DB_PREPARE_THRESHOLD times; PostgreSQL then no longer plans it on every run, and
        # planning costs these short queries more than running them (bench/README.md).
        # Behind a transaction-mode pooler that cannot keep prepared statements, set
        # DB_PREPARE_THRESHOLD=off (client-side binding, nothing prepared).
        threshold = env_str("DB_PREPARE_THRESHOLD", "5").strip().lower()
        if threshold not in {"off", "none", ""}:
            options["server_side_binding"] = True
            options["prepare_threshold"] = int(threshold)
        # Django's own psycopg 3 pool; CONN_MAX_AGE must stay 0 with it.
        options["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 1),
            "max_size": env_int("DB_POOL_MAX", 10),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "disputes",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 0,
            "OPTIONS": options,
        }
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path) or str(BASE_DIR / "var" / "db.sqlite3")
        if path == "/:memory:":
            path = ":memory:"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported.")


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "mediation",
    "disputes.law",
    "disputes",
    "api",
    "frontend",
    "notifications",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "backend.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"  # Evidence is only downloaded through the access policy.

REDIS_URL = env_str("REDIS_URL", "")
# REDIS_SENTINELS (host:port,...) + REDIS_SENTINEL_MASTER follow a master through Redis
# Sentinel instead (backend/redis_config.py).
REDIS_SENTINELS = env_list("REDIS_SENTINELS", [])
REDIS_HOSTS = channel_layer_hosts(os.environ, REDIS_SENTINELS)
if REDIS_HOSTS:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": REDIS_HOSTS,
                # channels-redis drops messages past `capacity` per channel (default 100);
                # a busy queue screen must not lose live updates (bench/websockets.py).
                "capacity": env_int("CHANNEL_LAYER_CAPACITY", 1000),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API client is told 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Client addresses come from X-Forwarded-For only behind this many trusted proxies
    # (0: the connection's address; behind the nginx of deploy/: 1).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "劳动人事争议调解仲裁 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from the app itself (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io (it would also learn the schema's address).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "disputes.models.Party.Kind",
        "OrganizationKindEnum": "mediation.models.Organization.Kind",
        "AwardKindEnum": "disputes.models.Award.Kind",
        "StatusEnum": "disputes.models.Status",
    },
}

# The district this deployment serves by default (seed data, case numbers).
DISTRICT_CODE = env_str("DISTRICT_CODE", "420112")
# Access codes are hashed with this key (HMAC-SHA256); defaults to SECRET_KEY.
ACCESS_CODE_KEY = env_str("ACCESS_CODE_KEY", "") or SECRET_KEY
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-pass-2026")
# Half-hour service circle: an assumed door-to-door speed in km/h (bus + walking).
SERVICE_CIRCLE_SPEED_KMH = env_int("SERVICE_CIRCLE_SPEED_KMH", 20)
SERVICE_CIRCLE_MINUTES = env_int("SERVICE_CIRCLE_MINUTES", 30)

LOGIN_URL = "/accounts/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Staff and party logins lock for LOGIN_LOCKOUT_MINUTES after LOGIN_MAX_FAILURES failures.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# The public status look-up: failures allowed per tracking number and per client address
# within STATUS_LOOKUP_LOCKOUT_MINUTES, after which both answer 429 until it ends.
STATUS_LOOKUP_MAX_FAILURES_PER_CASE = env_int("STATUS_LOOKUP_MAX_FAILURES_PER_CASE", 5)
STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT = env_int("STATUS_LOOKUP_MAX_FAILURES_PER_CLIENT", 20)
STATUS_LOOKUP_LOCKOUT_MINUTES = env_int("STATUS_LOOKUP_LOCKOUT_MINUTES", 15)
# A successful look-up returns a signed token for the status page's websocket.
STATUS_TOKEN_MAX_AGE_SECONDS = env_int("STATUS_TOKEN_MAX_AGE_SECONDS", 3600)
# Evidence uploads: largest file accepted, in megabytes.
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A retried submission with the same Idempotency-Key gets the first answer for this long.
IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)

# -- notifications (issue 5): the outbox worker and live updates ----------------------------
# The worker delivers DisputeEvent rows to the channel layer (`manage.py run_worker`).
# Without Redis the in-memory layer reaches only the web process, so the worker runs inside
# it (started by the ASGI application, notifications/embedded.py); tests turn it off.
RUN_WORKER_IN_PROCESS = env_bool("RUN_WORKER_IN_PROCESS", not REDIS_HOSTS)
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100)
OUTBOX_POLL_MS = env_int("OUTBOX_POLL_MS", 500)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 15)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 2)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 600)
OUTBOX_SEND_TIMEOUT_SECONDS = env_int("OUTBOX_SEND_TIMEOUT_SECONDS", 5)
for _name in ("OUTBOX_BATCH_SIZE", "OUTBOX_POLL_MS", "OUTBOX_MAX_ATTEMPTS",
              "OUTBOX_SEND_TIMEOUT_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if OUTBOX_RETRY_BASE_SECONDS < 0 or OUTBOX_RETRY_MAX_SECONDS < OUTBOX_RETRY_BASE_SECONDS:
    raise ImproperlyConfigured(
        "OUTBOX_RETRY_BASE_SECONDS must be >= 0 and OUTBOX_RETRY_MAX_SECONDS >= it."
    )
# Deadline reminders, SMS and e-mail (issue 5, continued).
# The worker sweeps the clocks every REMINDER_SWEEP_MINUTES (0: never; run
# `manage.py sweep_reminders` from cron instead) and warns at each of these numbers of working
# days before a deadline (0 = on the day); an overdue notice follows once it has passed.
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 5)
REMINDER_SWEEP_CHUNK = env_int("REMINDER_SWEEP_CHUNK", 200)
_warning_days = env_list("REMINDER_WARNING_WORKING_DAYS", ["2", "0"])
if not all(d.isdigit() for d in _warning_days):
    raise ImproperlyConfigured(
        f"REMINDER_WARNING_WORKING_DAYS={','.join(_warning_days)!r}: whole numbers >= 0, "
        "comma-separated (e.g. 2,0)."
    )
REMINDER_WARNING_WORKING_DAYS = sorted({int(d) for d in _warning_days}, reverse=True)
if REMINDER_SWEEP_MINUTES < 0 or REMINDER_SWEEP_CHUNK < 1:
    raise ImproperlyConfigured("REMINDER_SWEEP_MINUTES must be >= 0, REMINDER_SWEEP_CHUNK >= 1.")
# Messages: a pass sends up to MESSAGE_BATCH_SIZE; a failure waits
# MESSAGE_RETRY_BASE_SECONDS x 2^(attempts-1), capped; after MESSAGE_MAX_ATTEMPTS it is failed.
MESSAGE_BATCH_SIZE = env_int("MESSAGE_BATCH_SIZE", 20)
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 10)
MESSAGE_RETRY_BASE_SECONDS = env_int("MESSAGE_RETRY_BASE_SECONDS", 30)
MESSAGE_RETRY_MAX_SECONDS = env_int("MESSAGE_RETRY_MAX_SECONDS", 3600)
if MESSAGE_BATCH_SIZE < 1 or MESSAGE_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MESSAGE_BATCH_SIZE and MESSAGE_MAX_ATTEMPTS must be at least 1.")
if MESSAGE_RETRY_BASE_SECONDS < 0 or MESSAGE_RETRY_MAX_SECONDS < MESSAGE_RETRY_BASE_SECONDS:
    raise ImproperlyConfigured(
        "MESSAGE_RETRY_BASE_SECONDS must be >= 0 and MESSAGE_RETRY_MAX_SECONDS >= it."
    )
# SMS: the development backend logs the masked number and the text; the HTTP gateway POSTs
# JSON {phone, text, reference, sign} to SMS_GATEWAY_URL with `Authorization: Bearer <token>`.
_SMS_BACKENDS = {"log": "notifications.sms.LogSmsBackend",
                 "http": "notifications.sms.HttpGatewaySmsBackend"}
SMS_BACKEND = env_str("SMS_BACKEND", "log")
SMS_BACKEND = _SMS_BACKENDS.get(SMS_BACKEND, SMS_BACKEND)
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT_SECONDS = env_int("SMS_GATEWAY_TIMEOUT_SECONDS", 10)
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "劳动人事争议调解仲裁")
_http_sms = SMS_BACKEND.endswith(".HttpGatewaySmsBackend")
if _http_sms and not SMS_GATEWAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_GATEWAY_URL (http:// or https://).")
if SMS_GATEWAY_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("SMS_GATEWAY_TIMEOUT_SECONDS must be at least 1.")
# E-mail through Django's backends. The default logs the masked recipient and the subject
# only; production sets django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST...
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "notifications.mail.LogEmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one.")
# The notification log's enums in the API schema (their field names are used elsewhere too).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({  # type: ignore[attr-defined]
    "ChannelEnum": "disputes.models.Channel",  # the name it had before the log came
    "MessageChannelEnum": "notifications.models.Channel",
    "MessageStatusEnum": "notifications.models.Message.Status",
})

# -- web pages (issue 6 part 1): navigation, login, satisfaction ratings -----------------------
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "frontend.context.navigation"
)
INSTALLED_APPS.append("satisfaction")  # the parties' ratings of closed cases
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# -- end web pages -------------------------------------------------------------------------------

# -- deployment (issue 8): probes and production security --------------------------------
# Health probes answer before any other middleware: an orchestrator probes over plain HTTP
# with the pod's address as Host (backend/health.py).
MIDDLEWARE = ["backend.health.probe_middleware", *MIDDLEWARE]
# With DEBUG off everything is on by default, so `manage.py check --deploy` is silent; each
# can be turned off for a site that really serves plain HTTP (then the check says so).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# HSTS: browsers refuse plain HTTP to the host for this long. Start small (3600) on a new
# site, raise it once HTTPS is known to work; preload only adds the directive (a site is
# on browsers' preload lists only once its owner submits it).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be >= 0.")
# Behind a TLS-terminating proxy that overwrites this header (deploy/nginx sets
# X-Forwarded-Proto): the request was HTTPS when it says "https". Never set it without
# such a proxy, or any client could claim HTTPS.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    if not _proxy_ssl_header.replace("-", "").isalnum():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_ssl_header!r} is not a header name "
            "(e.g. X-Forwarded-Proto)."
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
# -- end deployment --------------------------------------------------------------------------

# -- indicators (issue 7): maintained summaries and the supervision dashboard ---------------
# Events (and ratings) are folded into the summaries in passes of this many rows.
INDICATORS_BATCH_SIZE = env_int("INDICATORS_BATCH_SIZE", 2000)
# An id missing below the watermark is looked for again this long (an open transaction may
# still commit it); longer than any transaction runs.
INDICATORS_GAP_SECONDS = env_int("INDICATORS_GAP_SECONDS", 3600)
# Pages and the API run one bounded pass before reading (never waiting for another pass).
INDICATORS_CATCH_UP_ON_READ = env_bool("INDICATORS_CATCH_UP_ON_READ", True)
# The bureau's choice of definition per indicator, e.g. "mediation_success=2,satisfaction=1";
# unknown codes or versions are refused at start-up (indicators/apps.py).
INDICATORS_DEFAULT_VERSIONS: dict[str, int] = {}
for _item in env_list("INDICATORS_DEFAULT_VERSIONS", []):
    _code, _, _version = _item.partition("=")
    if not _code.strip() or not _version.strip().isdigit():
        raise ImproperlyConfigured(
            f"INDICATORS_DEFAULT_VERSIONS: {_item!r} is not code=version (e.g. satisfaction=2)."
        )
    INDICATORS_DEFAULT_VERSIONS[_code.strip()] = int(_version)
# Early warnings compare the figure of the last this many months with its target.
INDICATORS_ROLLING_MONTHS = env_int("INDICATORS_ROLLING_MONTHS", 3)
for _name in ("INDICATORS_BATCH_SIZE", "INDICATORS_ROLLING_MONTHS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if INDICATORS_GAP_SECONDS < 0:
    raise ImproperlyConfigured("INDICATORS_GAP_SECONDS must be >= 0.")
# -- end indicators --------------------------------------------------------------------------

# -- indicators (issue 7, continued): the worker keeps the summaries current -----------------
# Dotted paths of functions the outbox worker calls on every turn before it delivers (they
# take nothing and answer how many rows they handled): the summaries' bounded pass, and the
# start of the background exports' own thread. "none" turns them off (then run
# `update_indicators --follow`); an empty value means the default, as for every variable.
OUTBOX_BEFORE_DELIVERY = env_list(
    "OUTBOX_BEFORE_DELIVERY", ["indicators.maintenance.catch_up_for_worker",
                               "indicators.export_jobs.start_due_exports"])
if OUTBOX_BEFORE_DELIVERY == ["none"]:
    OUTBOX_BEFORE_DELIVERY = []
# Background exports: a running export whose worker has not reported for this long is taken
# again by another; a failing one is tried this many times; files are kept this many days.
INDICATORS_EXPORT_LEASE_SECONDS = env_int("INDICATORS_EXPORT_LEASE_SECONDS", 600)
INDICATORS_EXPORT_MAX_ATTEMPTS = env_int("INDICATORS_EXPORT_MAX_ATTEMPTS", 3)
INDICATORS_EXPORT_KEEP_DAYS = env_int("INDICATORS_EXPORT_KEEP_DAYS", 7)
for _name in ("INDICATORS_EXPORT_LEASE_SECONDS", "INDICATORS_EXPORT_MAX_ATTEMPTS",
              "INDICATORS_EXPORT_KEEP_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
# -- end indicators (continued) --------------------------------------------------------------
