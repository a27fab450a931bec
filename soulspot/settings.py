"""SoulSpot settings: everything comes from the environment, nothing is required.

See the configuration table in README.md. A bad value stops the process with one line naming the
variable (see `soulspot.lib.env.ConfigError`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from soulspot.lib.env import (
    ConfigError,
    env_bool,
    env_int,
    env_str,
    env_url,
    persistent_secret,
    writable_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"


def _read_environment() -> dict:
    data_dir = writable_dir(
        "SOULSPOT_DATA_DIR", Path(env_str("SOULSPOT_DATA_DIR", "./data")).expanduser().resolve()
    )
    music_default = str(data_dir / "music")
    music_dir = writable_dir(
        "SOULSPOT_MUSIC_DIR",
        Path(env_str("SOULSPOT_MUSIC_DIR", music_default)).expanduser().resolve(),
    )
    downloads = env_str("SLSKD_DOWNLOADS_DIR")
    return {
        "data_dir": data_dir,
        "music_dir": music_dir,
        "secret_key": persistent_secret("SOULSPOT_SECRET_KEY", data_dir),
        "host": env_str("SOULSPOT_HOST", "127.0.0.1") or "127.0.0.1",
        "port": env_int("SOULSPOT_PORT", 8000, minimum=1, maximum=65535),
        "debug": env_bool("SOULSPOT_DEBUG", False),
        "database_url": env_str("DATABASE_URL"),
        "slskd_url": env_url("SLSKD_URL"),
        "slskd_api_key": env_str("SLSKD_API_KEY"),
        "slskd_downloads_dir": Path(downloads).expanduser().resolve() if downloads else None,
        "api_key": env_str("SOULSPOT_API_KEY"),
        "search_budget": env_int("SLSKD_SEARCH_BUDGET", 34, minimum=1, maximum=1000),
        "search_window": env_int("SLSKD_SEARCH_WINDOW_SECONDS", 220, minimum=1, maximum=3600),
        "search_timeout_ms": env_int(
            "SLSKD_SEARCH_TIMEOUT_MS", 15000, minimum=1000, maximum=300000
        ),
        "remote_queue_minutes": env_int("SOULSPOT_REMOTE_QUEUE_TIMEOUT_MINUTES", 30, minimum=1),
        "stall_minutes": env_int("SOULSPOT_STALL_TIMEOUT_MINUTES", 5, minimum=1),
        "download_attempts": env_int("SOULSPOT_DOWNLOAD_ATTEMPTS", 3, minimum=1, maximum=20),
        "musicbrainz_url": env_url("MUSICBRAINZ_URL") or "https://musicbrainz.org",
        "coverart_url": env_url("COVERART_URL") or "https://coverartarchive.org",
        "lrclib_url": env_url("LRCLIB_URL") or "https://lrclib.net",
        "providers_enabled": env_bool("SOULSPOT_METADATA_PROVIDERS", True),
        "cover_max_px": env_int("SOULSPOT_COVER_MAX_PX", 1200, minimum=100, maximum=5000),
        "recycle_dir": env_str("SOULSPOT_RECYCLE_DIR"),
        "quarantine_dir": env_str("SOULSPOT_QUARANTINE_DIR"),
        "scan_workers": env_int(
            "SOULSPOT_SCAN_WORKERS", os.cpu_count() or 2, minimum=1, maximum=64
        ),
        "log_level": env_str("SOULSPOT_LOG_LEVEL", "INFO").upper(),
        "min_free_mb": env_int("SOULSPOT_MIN_FREE_MB", 1024, minimum=0),
        "workers": env_int("SOULSPOT_WORKERS", 3, minimum=1, maximum=16),
        "web_workers": env_int("SOULSPOT_WEB_WORKERS", 2, minimum=1, maximum=32),
    }


try:
    ENV = _read_environment()
except ConfigError as exc:
    # One clear line instead of a traceback: this is what the user sees on `make run`.
    sys.stderr.write(f"soulspot: configuration error: {exc}\n")
    raise SystemExit(2) from None

DATA_DIR: Path = ENV["data_dir"]
MUSIC_DIR: Path = ENV["music_dir"]
SECRET_KEY = ENV["secret_key"]
DEBUG = ENV["debug"]
SOULSPOT_HOST = ENV["host"]
SOULSPOT_PORT = ENV["port"]
SOULSPOT_API_KEY = ENV["api_key"]
SOULSPOT_MIN_FREE_BYTES = ENV["min_free_mb"] * 1024 * 1024
SOULSPOT_WEB_WORKERS = ENV["web_workers"]

SLSKD_URL = ENV["slskd_url"]
SLSKD_API_KEY = ENV["slskd_api_key"]
SLSKD_DOWNLOADS_DIR = ENV["slskd_downloads_dir"]

# Soulseek's server bans clients that search too fast: keep to this many searches per window.
SLSKD_SEARCH_BUDGET = ENV["search_budget"]
SLSKD_SEARCH_WINDOW_SECONDS = ENV["search_window"]

SLSKD_SEARCH_TIMEOUT_MS = ENV["search_timeout_ms"]

# Download engine. A transfer waiting in the peer's queue longer than this, or one whose bytes
# stopped moving, is cancelled and the next candidate is tried.
DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS = ENV["remote_queue_minutes"] * 60
DOWNLOAD_STALL_TIMEOUT_SECONDS = ENV["stall_minutes"] * 60
DOWNLOAD_ATTEMPTS = ENV["download_attempts"]
MATCH_LENGTH_TOLERANCE_SECONDS = 3
# The engine pump works in short steps for a bounded time, then hands over to a fresh task.
ENGINE_PUMP_SECONDS = 20.0
ENGINE_STEP_SECONDS = 1.0
# A succeeded transfer whose file is not on disk after this long failed (slskd moves it late).
DOWNLOAD_FILE_APPEAR_GRACE_SECONDS = 30

# Metadata providers. Base URLs are settings so tests and the demo can point them at local fakes.
SOULSPOT_USER_AGENT = f"SoulSpot/{VERSION} ( https://github.com/soulspot/soulspot )"
METADATA_PROVIDERS_ENABLED = ENV["providers_enabled"]
MUSICBRAINZ_URL = ENV["musicbrainz_url"]
COVERART_URL = ENV["coverart_url"]
LRCLIB_URL = ENV["lrclib_url"]
COVER_MAX_PX = ENV["cover_max_px"]

# Replaced or duplicate files go to the recycle folder, files that failed verification to
# quarantine: SoulSpot never deletes a file outright. Unset means <data dir>/recycle and
# <data dir>/quarantine, worked out where they are used.
SOULSPOT_RECYCLE_DIR = (
    Path(ENV["recycle_dir"]).expanduser().resolve() if ENV["recycle_dir"] else None
)
SOULSPOT_QUARANTINE_DIR = (
    Path(ENV["quarantine_dir"]).expanduser().resolve() if ENV["quarantine_dir"] else None
)
SOULSPOT_SCAN_WORKERS = ENV["scan_workers"]

ALLOWED_HOSTS = [
    "*"
]  # single-user service behind the user's own network; Host is not trusted for anything
CSRF_TRUSTED_ORIGINS = [o for o in env_str("SOULSPOT_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_q",
    "ninja",
    "soulspot",
    "accounts",
    "library",
    "downloads",
    "metadata",
    "automation",
]

MIDDLEWARE = [
    "soulspot.lib.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.FirstRunSetupMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "soulspot.urls"
WSGI_APPLICATION = "soulspot.wsgi.application"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "soulspot.navigation.nav_items",
            ],
        },
    },
]


def _database() -> dict:
    if ENV["database_url"]:
        import dj_database_url

        try:
            database = dj_database_url.parse(
                ENV["database_url"], conn_max_age=60, conn_health_checks=True
            )
        except ValueError as exc:
            sys.stderr.write(f"soulspot: configuration error: DATABASE_URL is invalid ({exc})\n")
            raise SystemExit(2) from None
        # Lets a worker started by the end-to-end tests use the test database.
        database["NAME"] = env_str("SOULSPOT_DATABASE_NAME") or database["NAME"]
        return database
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SOULSPOT_DATABASE_NAME") or DATA_DIR / "soulspot.sqlite3",
        # A file, not memory, so end-to-end tests can share the test database with a worker;
        # one per test process, so two test runs never share one.
        "TEST": {"NAME": DATA_DIR / f"test-soulspot-{os.getpid()}.sqlite3"},
        # The web server and the worker write at the same time: WAL lets readers run beside a
        # writer, IMMEDIATE takes the write lock at BEGIN (no deadlocked upgrades), and the busy
        # timeout makes a writer wait instead of failing with "database is locked".
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TZ", "UTC") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the finders in development and tests so `collectstatic` is never required.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# django-q2 with the ORM broker: no Redis, the queue lives in our own database.
Q_CLUSTER = {
    "name": "soulspot",
    "orm": "default",
    "workers": ENV["workers"],
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,  # retries are our own business (DownloadJob backoff), never blind re-runs
    "poll": 0.5,
    "catch_up": False,
    "save_limit": 500,
    "ack_failures": True,
    # Scans hash and read files in a process pool, which daemonic workers may not start.
    "daemonize_workers": False,
    "label": "Task queue",
}

LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "soulspot.lib.request_id.RequestIdFilter"}},
    "formatters": {"json": {"()": "soulspot.lib.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "soulspot.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 3,
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console", "file"], "level": ENV["log_level"]},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
