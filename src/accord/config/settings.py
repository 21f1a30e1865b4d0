"""Settings, read from ACCORD_* environment variables.

Defaults suit one person trying Accord on a laptop (SQLite under ./var/). Anything that would be
unsafe in production (an empty or default secret key, debug) is refused outside development.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accord.accounts.oidc_config import OidcConfigError, oidc_config_from_env
from accord.config.env import env_bool, env_int, env_list

SRC_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ACCORD_VAR_DIR", Path.cwd() / "var")).resolve()

ENVIRONMENT = os.environ.get("ACCORD_ENV", "production").strip().lower()
IS_DEVELOPMENT = ENVIRONMENT in {"development", "dev", "test"}

DEVELOPMENT_SECRET_KEY = "accord-development-only-not-a-secret"  # noqa: S105 - refused outside development
SECRET_KEY = os.environ.get("ACCORD_SECRET_KEY", "").strip()
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    if not IS_DEVELOPMENT:
        raise ImproperlyConfigured(
            "ACCORD_SECRET_KEY is empty or the development default. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set ACCORD_ENV=development on a machine nobody else can reach."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

DEBUG = env_bool("ACCORD_DEBUG", default=False)
ALLOWED_HOSTS = env_list("ACCORD_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ACCORD_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page's Swagger UI from static files, not a CDN
    "django_otp",  # second factor (accord.accounts.two_factor): TOTP devices with replay and throttle checks
    "django_otp.plugins.otp_totp",
    "accord.core",
    "accord.accounts",
    "accord.org",
    "accord.risks",
    "accord.vulns",
    "accord.patching",
    "accord.portfolio",
    "accord.governance",
    "accord.notifications",
    "accord.jobs",
    "accord.desk",
    "accord.reviews",
    "accord.incidents",
    "accord.acceptances",
    "accord.steering",
    "accord.metrics",
    "accord.packs",
    "accord.posture",
    "accord.vendors",
    "accord.culture",
    "accord.leadership",
]

MIDDLEWARE = [
    "accord.core.proxies.TrustedProxyMiddleware",  # first: the client's address and scheme, before anyone reads them
    "django.middleware.security.SecurityMiddleware",
    "accord.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.core.middleware.LoginRequiredMiddleware",
    "accord.accounts.middleware.SecondFactorEnrolmentMiddleware",
    "accord.core.middleware.ServiceRefusalsMiddleware",
]

ROOT_URLCONF = "accord.config.urls"
WSGI_APPLICATION = "accord.config.wsgi.application"

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
                "accord.core.context_processors.navigation",
                "accord.risks.context_processors.currency",
                "accord.notifications.context_processors.inbox",
            ],
        },
    },
]


def _database_from_env() -> dict[str, Any]:
    url = os.environ.get("ACCORD_DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'accord.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises bare ValueErrors with little context
        raise ImproperlyConfigured(f"ACCORD_DATABASE_URL is not a database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE transactions take the write lock at BEGIN, so two writers never both read the
        # audit chain head and then collide on upgrade; WAL lets readers go on while one writes.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return dict(config)


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "accord.accounts.backends.ApiTokenBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on with OpenID Connect (docs/sign-in.md), on when ACCORD_OIDC_ISSUER is set.
try:
    ACCORD_OIDC = oidc_config_from_env(os.environ)
except OidcConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from None
if ACCORD_OIDC is not None:
    AUTHENTICATION_BACKENDS.append("accord.accounts.oidc.AccordOidcBackend")
OTP_TOTP_ISSUER = "Accord"  # the name authenticator apps show beside the code
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in throttle (accord.accounts.throttle, docs/sign-in.md): per username and address pair, the
# first failures are free, then each attempt waits 2, 4, 8 ... seconds up to the maximum; a pair's
# failures are forgotten after hours without one. The ceiling per address (failures within an hour)
# slows only pairs that have never signed in from there, never a known user behind the same proxy.
ACCORD_LOGIN_FREE_FAILURES = env_int("ACCORD_LOGIN_FREE_FAILURES", default=5)
ACCORD_LOGIN_MAX_DELAY_SECONDS = env_int("ACCORD_LOGIN_MAX_DELAY_SECONDS", default=900)
ACCORD_LOGIN_FORGET_HOURS = env_int("ACCORD_LOGIN_FORGET_HOURS", default=24)
ACCORD_LOGIN_ADDRESS_CEILING = env_int("ACCORD_LOGIN_ADDRESS_CEILING", default=100)
# A password-reset link works once, for this long.
PASSWORD_RESET_TIMEOUT = env_int("ACCORD_PASSWORD_RESET_MINUTES", default=60) * 60

# API calls per user and minute (accord.core.rate_limits), and of those the expensive computations
# (frontiers, optimisations, simulations, plans, board packs) that are not answered from the cache.
ACCORD_API_RATE_LIMIT = env_int("ACCORD_API_RATE_LIMIT", default=300)
ACCORD_API_EXPENSIVE_RATE_LIMIT = env_int("ACCORD_API_EXPENSIVE_RATE_LIMIT", default=10)

ACCORD_MAX_UPLOAD_MB = env_int("ACCORD_MAX_UPLOAD_MB", default=200)
ACCORD_IMPORT_BACKGROUND_MB = env_int("ACCORD_IMPORT_BACKGROUND_MB", default=5)  # larger web imports run as jobs
# Over this many open findings with a CVE, loading a KEV or EPSS feed on the web runs as a job.
ACCORD_FEED_BACKGROUND_FINDINGS = env_int("ACCORD_FEED_BACKGROUND_FINDINGS", default=20_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

HTTPS = env_bool("ACCORD_HTTPS", default=False)
# Reverse proxies (addresses or CIDRs) whose X-Forwarded-For and X-Forwarded-Proto are believed
# (accord.core.proxies); from anyone else both headers are dropped.
ACCORD_TRUSTED_PROXIES = env_list("ACCORD_TRUSTED_PROXIES", default=[])
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    # The scheme comes from the connection or a trusted proxy (TrustedProxyMiddleware), never from a
    # header anyone may send, so there is no SECURE_PROXY_SSL_HEADER. includeSubDomains and preload
    # cover only names under Accord's own host name.
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]  # the proxy's health check may come over plain HTTP

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("ACCORD_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development and tests the files are served straight from the apps, no collectstatic needed.
WHITENOISE_USE_FINDERS = IS_DEVELOPMENT or DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Background work (accord.jobs): Huey on Redis when ACCORD_REDIS_URL is set (run `accord worker`
# on as many machines as needed), else on a SQLite file beside the database with consumer threads
# inside `accord serve` (ACCORD_EMBEDDED_WORKERS, 2 by default without Redis, 0 with it).
REDIS_URL = os.environ.get("ACCORD_REDIS_URL", "").strip()
JOBS: dict[str, Any] = {
    "redis_url": REDIS_URL,
    "sqlite_path": str(VAR_DIR / "jobs.sqlite3"),
    "immediate": ENVIRONMENT == "test",  # tests run each task when it is enqueued, in the caller's thread
    "embedded_workers": env_int("ACCORD_EMBEDDED_WORKERS", default=0 if REDIS_URL else 2),
}
# Job progress and cached aggregates live in the cache: the process's memory when the workers run
# inside `accord serve`, Redis when they run elsewhere, so every process sees the same progress.
CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Email (notifications): ACCORD_EMAIL_URL as smtp://user:password@host:port (smtps:// for TLS,
# `?starttls=1`), console:// (printed; the default in development) or "" (no email).
EMAIL_URL = os.environ.get("ACCORD_EMAIL_URL", "console://" if IS_DEVELOPMENT else "").strip()
DEFAULT_FROM_EMAIL = os.environ.get("ACCORD_EMAIL_FROM", "accord@localhost")
ACCORD_BASE_URL = os.environ.get("ACCORD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _email_from_url(url: str) -> dict[str, Any]:
    from urllib.parse import parse_qs, unquote, urlsplit

    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(f"ACCORD_EMAIL_URL: use smtp://, smtps:// or console://, not {parts.scheme}://")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        "EMAIL_TIMEOUT": 20,
    }


globals().update(_email_from_url(EMAIL_URL))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ACCORD_LOG_LEVEL", "WARNING")},
}
