"""Settings of the CSR Action Table, read from the environment.

Default database engine is SQLite, so that a fresh clone runs at once;
set DATABASE_URL (postgres://...) to use PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

# A development key is only acceptable while DEBUG is on.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.CityAdminConfig",  # django.contrib.admin, with the scoped shortcut
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "core.login_attempts.LoginAttemptsConfig",  # django-axes
    "django_tasks",
    "django_tasks_db",
    "cities4csr",
    "core",
    "stakeholders",
    "outbox",
    "jobs",
    "actions",
    "meetings",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.AdminStylesMiddleware",
    "core.security.AdminMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.security.InactivityTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.LoginNeededMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cities4csr.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "cities4csr.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each transaction takes SQLite's write lock when it begins, and a second
    # writer waits for it (up to 20 s) rather than failing with "database is
    # locked" when it tries to write half way through a transaction.
    # Options given in DATABASE_URL (?timeout=60) take precedence.
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AxesBackend first: it refuses a locked-out username or address before any
# password is checked (it needs the request, which LoginView and the admin pass).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Bulgarian first: the working group that started this is Sofia's.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "bg")
LANGUAGES = [("bg", _("Bulgarian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cities4csr.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Sofia")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "csr-action-table@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
# Seconds before the SMTP connection gives up; a slow server fails the attempt, which
# the delivery task retries later (outbox.services.deliver).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)

# Background work (Django's Tasks API; django-tasks on 5.2). The database backend keeps
# the queue in the app's own database: `manage.py db_worker` runs it (make run starts one
# beside the development server; on PostgreSQL several workers share the queue with
# SELECT ... FOR UPDATE SKIP LOCKED). "immediate" runs each task at once inside the
# request or command that enqueued it (the test suite's default).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_task_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# A workbook export of more actions than this is made by a task (jobs.Job), not in
# the request; below it the request writes the file as before.
BACKGROUND_ROWS = envint("BACKGROUND_ROWS", 1000)
# An import's upload waits here between its preview and its apply (actions/workbook/
# uploads.py; unset: a folder in the system's temporary directory). Every app server
# and every worker must see the same directory: a large import's job reads it.
WORKBOOK_IMPORT_DIR = os.environ.get("WORKBOOK_IMPORT_DIR") or None
# Hours a finished job (and its file) is kept before send_reminders removes it.
JOB_KEEP_HOURS = envint("JOB_KEEP_HOURS", 24)

# Where the links in mails point (a mail sent by a task or a command has no request
# to take the host from): the public address of the site, e.g. https://csr.example.org
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Browser security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER
# by setting TRUST_X_FORWARDED_PROTO=true, and only if the proxy overwrites
# X-Forwarded-Proto on every request.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A working day at most, however active; and logged out after INACTIVITY_TIMEOUT
# seconds without a request (core.security.InactivityTimeoutMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
INACTIVITY_TIMEOUT = envint("INACTIVITY_TIMEOUT", 30 * 60)

# Content Security Policy (django-csp). Scripts only from this site, and inline
# ones only with the request's nonce; no inline styles (htmx's indicator styles
# are off and live in app.css). The Django admin alone gets inline styles
# (core.security.AdminStylesMiddleware says why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap draws its icons (select arrows, checks) as data: SVG.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that username is refused from that address for
# AXES_COOLOFF_MINUTES; after AXES_ADDRESS_FAILURE_LIMIT failures from one address
# (any usernames), that address is refused for everybody
# (core.security.lockout_parameters). Every attempt is logged (AccessAttempt,
# AccessLog); the network admin sees and lifts lockouts in the admin.
# The address is REMOTE_ADDR: behind a proxy set AXES_IPWARE_PROXY_COUNT and
# AXES_IPWARE_META_PRECEDENCE_ORDER rather than trust a header a client can forge.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = envint("AXES_ADDRESS_FAILURE_LIMIT", 100)
AXES_LOCKOUT_PARAMETERS = "core.security.lockout_parameters"
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"

if envbool("TRUST_X_FORWARDED_PROTO", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
    # The preload directive only consents to the browsers' preload list; the domain's owner
    # still submits it (hstspreload.org). Set false where subdomains cannot all do HTTPS.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    # Only `make loadtest` sets these false: its plain-HTTP client on 127.0.0.1 cannot
    # send Secure (and so __Host-) cookies back. Never in production (check --deploy warns).
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "true")
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "true")
    SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
