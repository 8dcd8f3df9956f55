"""Settings, read from the environment once.

Defaults suit a newcomer: SQLite beside the code, the local-memory cache, DEBUG off unless
asked for (``make run`` asks). Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and
ALLOWED_HOSTS.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Without SECRET_KEY, a development key: with DEBUG off that is an error (rivalries/checks.py),
# so `manage.py check` and gunicorn refuse to start.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-key-set-SECRET_KEY"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_htmx",
    "corsheaders",
    "simple_history",
    "axes",
    "athletes",
    "rivalries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language comes from the path alone (/nb/...), never a cookie or Accept-Language, so a
    # page is the same for every reader of its URL; before the page cache, whose key it is part of.
    "rivalries.languages.PathLanguageMiddleware",
    # Outside the page cache: it adds "Vary: Origin", which the cache would refuse to store.
    "corsheaders.middleware.CorsMiddleware",
    "rivalries.caching.PageCacheMiddleware",
    # Inside the page cache, so a stored page keeps the CSP header whose nonce its HTML carries.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "rivalries.middleware.RequestGuardMiddleware",
    "rivalries.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # With DEBUG on (make run), our 404 page rather than Django's list of URL patterns.
    "rivalries.middleware.ReadersNotFoundMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A save that loses the race against another between its form's check and its UPDATE
    # (athletes/versioning.py) is a 409 page, not a 500.
    "concurrency.middleware.ConcurrencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rivalries.urls"
WSGI_APPLICATION = "rivalries.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", True):
        # A request waits at most DATABASE_POOL_TIMEOUT seconds for a connection, so while the
        # database is down pages fail fast (503) rather than pile up; with health checks the pool
        # tests a connection before lending it, so after a restart it reconnects by itself. The
        # pool retries a failed connection with growing delays; giving up after 2 s lets the
        # next request try afresh, so it is not still waiting out a delay once the database is
        # back.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT") or 3),
            "reconnect_timeout": 2,
        }
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default random_page_cost (4) is for spinning disks: with it the planner scans
    # every race rather than probe an index for one athlete's 150, a cost that grows with the
    # record (`make bench`, bench/profile_pages.py). 1.1 suits SSDs and data that fits in memory.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c random_page_cost={os.environ.get('DATABASE_RANDOM_PAGE_COST') or 1.1}"
    )
    INSTALLED_APPS.append("django.contrib.postgres")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Fail-soft: while Redis is unreachable the site serves uncached instead of failing.
    CACHES = {
        "default": {
            "BACKEND": "rivalries.cache_backends.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole-page cache for readers (rivalries/caching.py), off for `make run` so template edits
# show at once. Local memory is per process, but its data version is a file every process
# reads (rivalries/dataversion.py), so a write anywhere reaches every process's next request.
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS") or (3600 if REDIS_URL else 60))

# /healthz gives its details (timings, error text) to these addresses or networks only.
HEALTHZ_ALLOWED = env_list("HEALTHZ_ALLOWED", "127.0.0.1,::1")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at /, Norwegian bokmål under /nb/ (rivalries/urls.py, rivalries/languages.py). Our own
# formats (rivalries/formats/) write dates as each language does ("25 May 2024", "25. mai 2024");
# marks and gaps are written by athletes/marks.py, the same in both, never localized.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["rivalries.formats"]
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS is on unless asked off (HTTPS=false: plain-HTTP loopback use, the bench, the drill).
HTTPS = not DEBUG and env_bool("HTTPS", default=True)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer checks over plain HTTP

# Content Security Policy (Django's own): scripts only with this response's nonce (base.html,
# django-htmx's {% htmx_script %} and the admin's templates all carry it), so an injected
# <script> or on* handler cannot run; no 'unsafe-inline', no 'unsafe-eval' (htmx is told not
# to eval in base.html's htmx-config). A page from the page cache keeps its own nonce in both
# its HTML and its header, which is why the CSP middleware sits inside the cache's.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Editors' logins (rivalries/throttle.py): django-axes locks a username at one address after
# AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME (a 429 page that says so); a username
# after LOGIN_USERNAME_FAILURE_LIMIT failures from all addresses; an address after
# LOGIN_ADDRESS_FAILURE_LIMIT failures or failures on LOGIN_USERNAMES_PER_ADDRESS usernames.
# A success clears only its own (username, address) count. The address is the client's behind
# TRUSTED_PROXY_COUNT proxies or those in TRUSTED_PROXIES (rivalries/clients.py); with neither,
# X-Forwarded-For is ignored and the socket's address is the client's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "rivalries.clients.client_address"
AXES_HANDLER = "rivalries.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT") or 5)
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT") or 10)
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT") or 20)
LOGIN_USERNAMES_PER_ADDRESS = int(os.environ.get("LOGIN_USERNAMES_PER_ADDRESS") or 3)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_VERBOSE = False

# --- Embedding and links for other sites (issue 18) ---------------------------------------------
# SITE_URL: the origin every absolute URL we hand out is built on (APIs, TimelineJS, feeds,
# embeds, oEmbed, canonical links); without it, the request's host when ALLOWED_HOSTS names it
# (rivalries/origin.py).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} is not an origin: give scheme and host, e.g. https://example.com"
    )
# The public API may be read from any page (TimelineJS embeds fetch it): any origin, no
# credentials, only the safe methods (django-cors-headers answers the preflight).
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_PREFLIGHT_MAX_AGE = 86400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Scale (DESIGN.md): a read replica and failing fast ------------------------------------------
# rivalries/routers.py sends public reads to DATABASE_REPLICA_URL's replica, everything else to
# the primary, and skips a replica that cannot be reached or lags more than
# DATABASE_REPLICA_MAX_LAG seconds (checked every DATABASE_REPLICA_CHECK_SECONDS); while a
# database is known down its requests get the 503 page at once for DATABASE_BREAKER_SECONDS
# before it is probed again (rivalries/breaker.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("rivalries.middleware.DatabaseOutageMiddleware") + 1,
    "rivalries.routers.DatabaseRoutingMiddleware",
)
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG") or 5)
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS") or 2)
DATABASE_BREAKER_SECONDS = float(os.environ.get("DATABASE_BREAKER_SECONDS") or 3)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0),
        "OPTIONS": {
            key: dict(value) if isinstance(value, dict) else value
            for key, value in DATABASES["default"].get("OPTIONS", {}).items()
        },
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        # the test run of a site with a replica reads its one test database
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["rivalries.routers.ReplicaRouter"]
# Without Redis the page cache's data version is kept in this file, shared by every process
# (rivalries/dataversion.py); by default one per database in the temporary directory.
PAGE_CACHE_VERSION_FILE = os.environ.get("PAGE_CACHE_VERSION_FILE", "")
