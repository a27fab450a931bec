"""SoulSpot settings: everything comes from the environment, nothing is required.

See the configuration table in README.md. A bad value stops the process with one line naming the
variable (see `soulspot.lib.env.ConfigError`).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from soulspot.lib.env import (
    ConfigError,
    env_bool,
    env_int,
    env_path,
    env_paths,
    env_str,
    env_url,
    persistent_secret,
    writable_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"

# Every setting SoulSpot reads is assigned once below, with its default. Those read from the
# environment are listed in README.md; the rest are internal tuning that tests may change.
try:
    # Folders. SoulSpot never deletes a file: replaced or duplicate files go to the recycle
    # folder, downloads that failed verification to quarantine.
    DATA_DIR = writable_dir(
        "SOULSPOT_DATA_DIR", env_path("SOULSPOT_DATA_DIR", Path("data").resolve())
    )
    MUSIC_DIR = writable_dir(
        "SOULSPOT_MUSIC_DIR", env_path("SOULSPOT_MUSIC_DIR", DATA_DIR / "music")
    )
    SOULSPOT_RECYCLE_DIR = env_path("SOULSPOT_RECYCLE_DIR", DATA_DIR / "recycle")
    SOULSPOT_QUARANTINE_DIR = env_path("SOULSPOT_QUARANTINE_DIR", DATA_DIR / "quarantine")
    # Tagged copies wait here before they are linked into place; inside the music dir, the
    # final step is an atomic same-filesystem hard link rather than a second copy.
    SOULSPOT_STAGING_DIR = env_path("SOULSPOT_STAGING_DIR", MUSIC_DIR / ".soulspot-staging")
    SOULSPOT_PLAYLIST_DIR = env_path("SOULSPOT_PLAYLIST_DIR", MUSIC_DIR)

    # Web server, access and logs.
    SECRET_KEY = persistent_secret("SOULSPOT_SECRET_KEY", DATA_DIR)
    DEBUG = env_bool("SOULSPOT_DEBUG", False)
    SOULSPOT_HOST = env_str("SOULSPOT_HOST") or "127.0.0.1"
    SOULSPOT_PORT = env_int("SOULSPOT_PORT", 8000, minimum=1, maximum=65535)
    SOULSPOT_WEB_WORKERS = env_int("SOULSPOT_WEB_WORKERS", 2, minimum=1, maximum=32)
    SOULSPOT_API_KEY = env_str("SOULSPOT_API_KEY")
    CSRF_TRUSTED_ORIGINS = [
        o for o in env_str("SOULSPOT_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
    ]
    # Exposure. The Host names the web server answers to: unset means the loopback names while
    # SoulSpot listens on loopback only (no DNS rebinding from a web page), and any name once it
    # listens on the network (SOULSPOT_HOST=0.0.0.0, as in Docker), where the user sets it.
    ALLOWED_HOSTS = [h.strip() for h in env_str("SOULSPOT_ALLOWED_HOSTS").split(",") if h.strip()]
    if not ALLOWED_HOSTS:
        loopback = SOULSPOT_HOST in {"127.0.0.1", "localhost", "::1"}
        ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"] if loopback else ["*"]
    # Behind a TLS-terminating reverse proxy: trust its X-Forwarded-Proto, send cookies only over
    # HTTPS and ask browsers to keep to HTTPS (HSTS). Never set it without such a proxy: the
    # header would then come from anyone.
    SOULSPOT_BEHIND_HTTPS_PROXY = env_bool("SOULSPOT_BEHIND_HTTPS_PROXY", False)
    # Audit log: every write, login and key change is kept this many days (pruned daily).
    SOULSPOT_AUDIT_RETENTION_DAYS = env_int(
        "SOULSPOT_AUDIT_RETENTION_DAYS", 90, minimum=1, maximum=36500
    )
    SOULSPOT_LOG_LEVEL = env_str("SOULSPOT_LOG_LEVEL", "INFO").upper()
    TIME_ZONE = env_str("TZ") or "UTC"
    # Readiness fails when the music dir has less free space than this.
    SOULSPOT_MIN_FREE_BYTES = env_int("SOULSPOT_MIN_FREE_MB", 1024, minimum=0) * 1024 * 1024

    # Database and background workers. Unset DATABASE_URL means SQLite in the data dir.
    DATABASE_URL = env_str("DATABASE_URL")
    # Lets a worker started by the end-to-end tests use the test database.
    SOULSPOT_DATABASE_NAME = env_str("SOULSPOT_DATABASE_NAME")
    SOULSPOT_WORKERS = env_int("SOULSPOT_WORKERS", 3, minimum=1, maximum=16)

    # slskd. Downloading is off while SLSKD_URL is empty. The downloads dir is slskd's folder
    # as this process sees it; unset means ask slskd for its own path.
    SLSKD_URL = env_url("SLSKD_URL")
    SLSKD_API_KEY = env_str("SLSKD_API_KEY")
    SLSKD_DOWNLOADS_DIR = env_path("SLSKD_DOWNLOADS_DIR")
    # Soulseek's server bans clients that search too fast: keep to this many searches per window.
    SLSKD_SEARCH_BUDGET = env_int("SLSKD_SEARCH_BUDGET", 34, minimum=1, maximum=1000)
    SLSKD_SEARCH_WINDOW_SECONDS = env_int(
        "SLSKD_SEARCH_WINDOW_SECONDS", 220, minimum=1, maximum=3600
    )
    SLSKD_SEARCH_TIMEOUT_MS = env_int(
        "SLSKD_SEARCH_TIMEOUT_MS", 15000, minimum=1000, maximum=300000
    )
    # Scheduled "search missing" / "search cutoff unmet": a track is searched automatically at
    # most once per this many hours (longer while it backs off); 0 turns the schedule off.
    SEARCH_MISSING_HOURS = env_int("SOULSPOT_SEARCH_MISSING_HOURS", 24, minimum=0, maximum=8760)
    SEARCH_CUTOFF_HOURS = env_int("SOULSPOT_SEARCH_CUTOFF_HOURS", 24, minimum=0, maximum=8760)

    # Download engine. A transfer waiting in the peer's queue longer than this, or one whose
    # bytes stopped moving, is cancelled and the next candidate is tried.
    DOWNLOAD_ATTEMPTS = env_int("SOULSPOT_DOWNLOAD_ATTEMPTS", 3, minimum=1, maximum=20)
    DOWNLOAD_REMOTE_QUEUE_TIMEOUT_SECONDS = 60 * env_int(
        "SOULSPOT_REMOTE_QUEUE_TIMEOUT_MINUTES", 30, minimum=1
    )
    DOWNLOAD_STALL_TIMEOUT_SECONDS = 60 * env_int("SOULSPOT_STALL_TIMEOUT_MINUTES", 5, minimum=1)
    MATCH_LENGTH_TOLERANCE_SECONDS = 3
    # The engine pump works in short steps for a bounded time, then hands over to a fresh task.
    ENGINE_PUMP_SECONDS = 20.0
    # The pause between steps; end-to-end tests with several processes shorten it.
    ENGINE_STEP_SECONDS = env_int("SOULSPOT_ENGINE_STEP_MS", 1000, minimum=10, maximum=10000) / 1000
    # A succeeded transfer whose file is not on disk after this long failed (slskd moves it late).
    DOWNLOAD_FILE_APPEAR_GRACE_SECONDS = 30

    # Importer: a download whose length differs from the wanted track's by more than this
    # many seconds fails verification.
    SOULSPOT_IMPORT_DURATION_TOLERANCE_S = 3

    # Tags the importer writes: several artists go into ARTISTS one value each, and
    # the display ARTIST joins them with this separator (not stripped: in " / " spaces count).
    SOULSPOT_ARTIST_SEPARATOR = env_str("SOULSPOT_ARTIST_SEPARATOR", strip=False) or "; "

    # Import sources. Folder imports started over the network (API, /imports/ page)
    # take files only from inside these folders, symlinks resolved: anything else could read or
    # move any file the service can reach. Default: slskd's downloads folder and <data>/import.
    SOULSPOT_IMPORT_DIRS = env_paths("SOULSPOT_IMPORT_DIRS") or [
        p for p in (SLSKD_DOWNLOADS_DIR, DATA_DIR / "import") if p is not None
    ]
    if not env_str("SOULSPOT_IMPORT_DIRS"):
        (DATA_DIR / "import").mkdir(exist_ok=True)

    # Metadata providers. Base URLs are settings so tests and the demo can point them at fakes.
    METADATA_PROVIDERS_ENABLED = env_bool("SOULSPOT_METADATA_PROVIDERS", True)
    MUSICBRAINZ_URL = env_url("MUSICBRAINZ_URL") or "https://musicbrainz.org"
    COVERART_URL = env_url("COVERART_URL") or "https://coverartarchive.org"
    LRCLIB_URL = env_url("LRCLIB_URL") or "https://lrclib.net"
    SOULSPOT_USER_AGENT = f"SoulSpot/{VERSION} ( https://github.com/soulspot/soulspot )"
    METADATA_PROVIDER_TIMEOUT_SECONDS = 10.0
    # MusicBrainz allows one request per second; a 503 (its rate limiting) is retried, paced.
    # The pace is shared by every process (web and workers); set in milliseconds (0 = off).
    MUSICBRAINZ_RATE_LIMIT_SECONDS = (
        env_int("SOULSPOT_MUSICBRAINZ_RATE_LIMIT_MS", 1000, minimum=0, maximum=60_000) / 1000
    )
    MUSICBRAINZ_MAX_ATTEMPTS = 2
    # Last.fm (genres from its top tags). Off while LASTFM_API_KEY is empty. Its terms ask for
    # at most about five requests a second, paced across every process like MusicBrainz.
    LASTFM_API_KEY = env_str("LASTFM_API_KEY")
    LASTFM_URL = env_url("LASTFM_URL") or "https://ws.audioscrobbler.com"
    LASTFM_RATE_LIMIT_SECONDS = 0.2
    # Provider answers remembered in the database, days per kind of request (an unknown kind:
    # 1 day; "not_found": how long a 404 is believed; 0 = not cached). See providers/cache.py.
    METADATA_CACHE_TTL_DAYS = {
        "musicbrainz.lookup": 30,
        "musicbrainz.search": 1,
        "lastfm.tags": 30,
        "not_found": 1,
    }
    # The Cover Art Archive and LRCLIB publish no rate limit, but both are free services run by
    # volunteers: a library-wide gap fill should not burst at them. Two requests a second per
    # service, shared by every process, is far above what one user's imports need (a cover or
    # lyrics request takes about that long anyway) and well below anything abusive.
    COVERART_RATE_LIMIT_SECONDS = (
        env_int("SOULSPOT_COVERART_RATE_LIMIT_MS", 500, minimum=0, maximum=60_000) / 1000
    )
    LRCLIB_RATE_LIMIT_SECONDS = (
        env_int("SOULSPOT_LRCLIB_RATE_LIMIT_MS", 500, minimum=0, maximum=60_000) / 1000
    )
    # The user's country (ISO 3166 code, e.g. "GB"): of an album's editions, one released
    # there is preferred. Empty: no preference.
    SOULSPOT_COUNTRY = env_str("SOULSPOT_COUNTRY").upper()
    # Embedded and cover.jpg art is resized to at most this many pixels; a cover image download
    # larger than COVER_MAX_BYTES is refused.
    COVER_MAX_PX = env_int("SOULSPOT_COVER_MAX_PX", 1200, minimum=100, maximum=5000)
    COVER_MAX_BYTES = 15 * 1024 * 1024

    # Spotify (Authorization Code with PKCE). Off while SPOTIFY_CLIENT_ID is empty. The client
    # secret is optional (PKCE needs none); when set, token requests also send it (Basic auth).
    # The redirect URI must be registered on the Spotify app exactly as written here: Spotify
    # accepts http only for loopback IP literals (127.0.0.1, [::1]), never "localhost".
    SPOTIFY_CLIENT_ID = env_str("SPOTIFY_CLIENT_ID")
    SPOTIFY_CLIENT_SECRET = env_str("SPOTIFY_CLIENT_SECRET")
    SPOTIFY_REDIRECT_URI = (
        env_url("SPOTIFY_REDIRECT_URI") or "http://127.0.0.1:8000/spotify/callback"
    )
    SPOTIFY_API_URL = env_url("SPOTIFY_API_URL") or "https://api.spotify.com/v1"
    SPOTIFY_ACCOUNTS_URL = env_url("SPOTIFY_ACCOUNTS_URL") or "https://accounts.spotify.com"
    SPOTIFY_TIMEOUT_SECONDS = env_int("SPOTIFY_TIMEOUT_SECONDS", 10, minimum=1, maximum=300)
    # The key that encrypts Spotify's tokens in the database. Not in backups, on purpose: a
    # restored install reconnects Spotify instead of trusting tokens from an archive.
    SOULSPOT_SECRET_KEY_FILE = env_path("SOULSPOT_SECRET_KEY_FILE", DATA_DIR / "secret.key")

    # Library scanner. A scan run that has not written for the lease is presumed dead and its
    # scan resumable; a worker task scans for one slice, then hands over to a fresh task (the
    # queue has a timeout). Scan workers are the processes that read and hash files.
    SOULSPOT_SCAN_WORKERS = env_int(
        "SOULSPOT_SCAN_WORKERS", os.cpu_count() or 2, minimum=1, maximum=64
    )
    SOULSPOT_SCAN_LEASE_SECONDS = 120
    SOULSPOT_SCAN_SLICE_SECONDS = 300

    # Access: first-run setup token and login throttling (django-axes).
    # The one-time token `serve` prints; whoever can read it owns the instance.
    SOULSPOT_SETUP_TOKEN_FILE = DATA_DIR / "setup_token"
    SOULSPOT_LOGIN_FAILURE_LIMIT = env_int(
        "SOULSPOT_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000
    )
    SOULSPOT_LOGIN_LOCKOUT_MINUTES = env_int(
        "SOULSPOT_LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=7 * 24 * 60
    )

    # Backups. `manage.py backup` and the daily schedule write here; the schedule keeps the newest
    # SOULSPOT_BACKUP_KEEP archives and deletes older ones (only its own file names).
    SOULSPOT_BACKUP_DIR = env_path("SOULSPOT_BACKUP_DIR", DATA_DIR / "backups")
    SOULSPOT_BACKUP_KEEP = env_int("SOULSPOT_BACKUP_KEEP", 7, minimum=1, maximum=1000)

    # Want sources (Spotify, imported lists): a newly wanted track is searched at once unless
    # this is off (the wanted lists' "search" buttons then start it). The sync interval is the
    # first-start default of a setting changed on the Spotify page.
    SOULSPOT_SEARCH_NEW_WANTS = env_bool("SOULSPOT_SEARCH_NEW_WANTS", True)
    SPOTIFY_SYNC_INTERVAL_HOURS = env_int(
        "SPOTIFY_SYNC_INTERVAL_HOURS", 6, minimum=1, maximum=24 * 7
    )

    # Notifications: Apprise URLs (comma or space separated) each added once as a target for
    # every event; the notifications page edits them afterwards (and the URLs stay encrypted).
    SOULSPOT_NOTIFY_URLS = env_str("SOULSPOT_NOTIFY_URLS").replace(",", " ").split()

    # Prometheus metrics at /metrics. A scrape authenticates with an API key (X-API-Key) or with
    # `Authorization: Bearer <this token>`; empty means API keys only. `serve` runs the web
    # workers in prometheus_client's multiprocess mode, their counters kept in this folder
    # (emptied at every start): see soulspot/metrics/__init__.py.
    SOULSPOT_METRICS_TOKEN = env_str("SOULSPOT_METRICS_TOKEN")
    SOULSPOT_METRICS_DIR = DATA_DIR / "metrics"
    # Runtime settings (soulspot/runtime_settings): values changed in the UI or the API are kept
    # in the database and win over the environment; each process looks for changes at most this
    # often (seconds).
    SOULSPOT_RUNTIME_SETTINGS_CHECK_SECONDS = 5.0
except ConfigError as exc:
    # One clear line instead of a traceback: this is what the user sees on `make run`.
    sys.stderr.write(f"soulspot: configuration error: {exc}\n")
    raise SystemExit(2) from None

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
    "axes",
    "soulspot",
    "accounts",
    "library",
    "downloads",
    "metadata",
    "automation",
]

MIDDLEWARE = [
    "soulspot.lib.request_id.RequestIdMiddleware",
    # Counts and times every request by route, including those the middlewares below refuse.
    "soulspot.metrics.middleware.RequestMetricsMiddleware",
    # Audit log: outside every other middleware, so it also records the writes they refuse.
    "accounts.audit.AuditMiddleware",
    # A write refused by a full disk answers 503 with what to do, not a 500.
    "soulspot.lib.disk_full.DiskFullMiddleware",
    # Settings changed in the UI or the API (here or in another process) before anything reads them.
    "soulspot.runtime_settings.middleware.RuntimeSettingsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
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
    # Last, so it sees every response: turns a locked-out attempt into the 429 page or JSON.
    "axes.middleware.AxesMiddleware",
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
                "soulspot.slskd_banner.slskd_banner",
            ],
        },
    },
]


def _database() -> dict:
    if DATABASE_URL:
        import dj_database_url

        try:
            database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        except ValueError as exc:
            sys.stderr.write(f"soulspot: configuration error: DATABASE_URL is invalid ({exc})\n")
            raise SystemExit(2) from None
        database["NAME"] = SOULSPOT_DATABASE_NAME or database["NAME"]
        return database
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SOULSPOT_DATABASE_NAME or DATA_DIR / "soulspot.sqlite3",
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
# Files browsers ask for at the site root (/favicon.ico), served before any login check.
WHITENOISE_ROOT = BASE_DIR / "soulspot" / "webroot"

# Login throttling (django-axes). After SOULSPOT_LOGIN_FAILURE_LIMIT failures for one username
# or from one address (wrong API keys count too), every attempt from it is refused until
# SOULSPOT_LOGIN_LOCKOUT_MINUTES have passed since the lockout, the right password included.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = SOULSPOT_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SOULSPOT_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = "accounts.throttle.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.throttle.client_username"
# Attempts during a lockout must not extend it, or a steady attacker locks the owner out forever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The client address is REMOTE_ADDR, or the proxy's own X-Forwarded-For entry behind it.
AXES_CLIENT_IP_CALLABLE = "soulspot.lib.client_ip.client_ip"
# Axes logs its configuration at every start of every process; our logs say what matters.
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if SOULSPOT_BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
# No inline script anywhere (pages load static files only), so a script injected into a page
# cannot run. Inline styles stay allowed: templates use style="" attributes, which run no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# A music manager needs none of the browser's powerful features; deny them to any page content.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# django-q2 with the ORM broker: no Redis, the queue lives in our own database.
Q_CLUSTER = {
    "name": "soulspot",
    "orm": "default",
    "workers": SOULSPOT_WORKERS,
    "timeout": 600,
    # A task whose worker died is delivered again after this long. Nothing waits for it: the
    # pump, folder imports and scans hold leases that the one-minute schedules take over.
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

# Logs. One writer per log file: every process logs JSON lines to its console only, and
# `serve` copies its children's output to its own stdout and to LOG_FILE, rotated by size
# (several processes rotating one file lose lines). Commands run by hand log to the console only.
LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOG_FILE = LOG_DIR / "soulspot.log"
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5
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
    },
    "root": {"handlers": ["console"], "level": SOULSPOT_LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "httpcore2": {"level": "WARNING"},
        "pylast": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
