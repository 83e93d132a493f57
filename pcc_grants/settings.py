"""Settings for PCC Grants, read from the environment.

Development gets safe defaults (``DEBUG=1`` gives a throwaway secret key and a
SQLite database in the project). Production secrets have no default: with
``DEBUG`` off, ``SECRET_KEY`` must be set or the process refuses to start.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see README: Deploying)."
        )
    SECRET_KEY = "development-only-not-secret-" + "x" * 40  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# The address people use, for the links in e-mails: by default the first allowed host
# over HTTPS in production, the development server otherwise.
SITE_URL = os.environ.get(
    "SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not DEBUG else "http://127.0.0.1:8000",
).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "pgtrigger",
    "django_tasks",
    "django_tasks_db",
    "pcc_grants",
    "jobs",
    "accounts",
    "funding",
    "commissioning",
    "decisions",
    "grants",
    "reports",
    "dashboard",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Marks the user verified by a second factor in this session; then sends a user
    # who has one, not yet verified, to give it, and one whose role must have one to
    # set it up.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses further attempts once locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "pcc_grants.urls"
WSGI_APPLICATION = "pcc_grants.wsgi.application"

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
                "pcc_grants.context_processors.organisation",
                "pcc_grants.context_processors.navigation",
            ],
            "builtins": ["pcc_grants.templatetags.pcc"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead logging: pages keep reading while a job writes, and a job's
    # progress can be written beside its import (SQLite allows one writer at a time).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL;"
    )

# Background jobs (django-tasks). The database backend needs nothing but the
# database: run `python manage.py db_worker` on as many machines as needed.
# TASKS_BACKEND=immediate runs each job at once in the process that queues it (the
# tests); another engine (Celery, RQ) is a different BACKEND here and its worker.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(TASKS_BACKEND, TASKS_BACKEND),
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "pcc_grants.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Britain: dates like "10 August 2016", times in Europe/London.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["pcc_grants.formats"]

STATIC_URL = "/static/"
# In development static files come straight from the finders; collectstatic
# fills STATIC_ROOT for production.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or (None if DEBUG else BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files are private: they are streamed by views that check permissions,
# never served from a public URL.
MEDIA_URL = "/media-not-served/"
# Every file (uploads, scans, published PDFs, pending imports) goes through Django's
# storage API, never a path, so one switch moves them all: a directory on disk (shared
# storage when several servers run the app), or with STORAGE_BACKEND=s3 a private
# S3-compatible bucket (django-storages, the ``s3`` extra), which every app server and
# worker reads alike. The seal's certificate and key (SEAL_*) are not media: files
# on each server.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME (see README: Deploying)."
        )
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # No ACL sent: objects are as private as the bucket (block public access).
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            # Files are streamed by views that check who asks; should a URL ever be
            # made, it is signed and short-lived, never a public address.
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
            # A name taken is never overwritten (a published PDF stays as published).
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}."
    )
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pcc-grants@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Transport security. On by default in production; a TLS-terminating proxy sets
# X-Forwarded-Proto, which SECURE_PROXY_SSL_HEADER trusts only when asked to.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# A session ends eight hours after signing in (a working day), or with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every script, style, font and image comes from this
# site; no inline script, no framing, forms post only here.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sign-in throttling (django-axes): five failures for one username from one
# address lock that pair out for fifteen minutes; a success clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A success clears the count only once the sign-in is complete: after the second
# factor for a user who has one (accounts.signals), so that signing in with a known
# password does not wipe the count of wrong codes.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The client's address comes from X-Forwarded-For only behind that many trusted
# proxies (pcc_grants/clients.py); by default, from the socket alone.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "pcc_grants.clients.client_ip"

# Two-factor authentication (django-otp). The authenticator apps' codes are named for
# the organisation; passkeys (WebAuthn) belong to the site's host name (in development
# http://localhost:8000: browsers offer passkeys on localhost but not on 127.0.0.1).
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "PCC Grants")
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID") or (
    urlsplit(SITE_URL).hostname if not DEBUG else "localhost"
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS") or (
    [SITE_URL] if not DEBUG else ["http://localhost:8000"]
)
# Passkeys are a second factor here, never a way to sign in without the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Uploads: the upload handlers stream anything larger to disk; the per-field
# limits are enforced by the upload validators.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# The organisation's seal (README: Installing the signing certificate): every PDF it
# publishes carries a PAdES signature made with its signing certificate. The
# certificate and its key are files named here, never the database or the repository:
# a PKCS#12, or a certificate and key (PEM or DER) with any intermediate
# certificates. The files are read when a PDF is sealed or checked
# (pcc_grants/sealing.py).
SEAL_PKCS12_FILE = os.environ.get("SEAL_PKCS12_FILE", "")
SEAL_PKCS12_PASSWORD = os.environ.get("SEAL_PKCS12_PASSWORD", "")
SEAL_CERT_FILE = os.environ.get("SEAL_CERT_FILE", "")
SEAL_KEY_FILE = os.environ.get("SEAL_KEY_FILE", "")
SEAL_KEY_PASSWORD = os.environ.get("SEAL_KEY_PASSWORD", "")
SEAL_CHAIN_FILE = os.environ.get("SEAL_CHAIN_FILE", "")
# Certificates the organisation sealed with before a renewal (PEM, one after another):
# records sealed with them still check as the organisation's.
SEAL_EARLIER_CERTS_FILE = os.environ.get("SEAL_EARLIER_CERTS_FILE", "")
# A time-stamp authority (RFC 3161) makes each seal PAdES B-T; without one, B-B.
SEAL_TSA_URL = os.environ.get("SEAL_TSA_URL", "")
SEAL_TSA_TIMEOUT = int(os.environ.get("SEAL_TSA_TIMEOUT", "10"))
SEAL_LOCATION = os.environ.get("SEAL_LOCATION", "")
# In development, with none of the files named, the demonstration certificate that
# load_demo writes (self-signed, named as such; not in the repository).
SEAL_DEMO_FILE = BASE_DIR / "var" / "demo-seal.p12"
if DEBUG and not (SEAL_PKCS12_FILE or SEAL_CERT_FILE or SEAL_KEY_FILE):
    SEAL_PKCS12_FILE = str(SEAL_DEMO_FILE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "pcc_grants.log_filters.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Failed sign-ins and lockouts are warnings; routine housekeeping is not.
        "axes": {"level": "WARNING"},
        # A refused request is one line, not a traceback.
        "django.request": {"filters": ["one_line_403"]},
        # A seal that does not validate is reported on the page; pyHanko's own
        # traceback for it is noise.
        "pyhanko": {"level": "ERROR"},
    },
}
