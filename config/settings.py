"""Settings for the key-project tracker, read from the environment.

DJANGO_ENV=development (the default) needs nothing set: SQLite in the project folder and a
local-only secret key. DJANGO_ENV=production requires SECRET_KEY and ALLOWED_HOSTS.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_date, env_list, env_str
from config.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str(
    "SECRET_KEY",
    None if PRODUCTION else "django-insecure-development-only-key-never-use-in-production",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", () if PRODUCTION else ("localhost", "127.0.0.1", "[::1]", "testserver"))
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set in production.")

INSTALLED_APPS = [
    "config.apps.OfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "nested_admin",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "projects",
    "bulletins",
    "approvals",
    "dispatch",
    "scoring",
    "opendata",
]

MIDDLEWARE = [
    "config.logs.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, compressed and cached, from any app server
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesMiddleware",  # signed-in browsers: Cache-Control: private, no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "accounts.context_processors.roles",
                "dispatch.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Production keeps each worker's connection for a minute (a new PostgreSQL connection per
        # request costs more than most pages); CONN_HEALTH_CHECKS replaces one that has died.
        conn_max_age=int(env_str("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each transaction takes SQLite's write lock when it begins, so a check and the write it guards
    # never interleave with another connection's (PostgreSQL gets advisory locks: services.locks).
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Always Chinese, whatever language the browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for what Django's and the packages' own catalogues lack (locale/zh_Hans/LC_MESSAGES).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Dates: 2015年9月28日 in running text, 2015-09-28 in tables (config/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # where collectstatic writes
# Production serves hashed, compressed copies collected by `make serve` (collectstatic); outside
# production WhiteNoise finds the files in the apps, per request (its development mode), so tests
# and `make run` need no collecting and no staticfiles/ folder.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": media_storage(),  # MEDIA_ROOT, or an S3-compatible bucket (config/storage.py)
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Figures computed from the data, kept per process until the data changes (projects.freshness):
# the key holds the database's data version, so no app server can serve another's stale figure.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "TIMEOUT": 600,  # a safety net for writes made outside the application (psql, a restore)
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Logs go to stderr, one line per event (a traceback folded onto its line), which systemd's journal
# keeps: `journalctl -u kptracker`. A request that fails is logged by Django (4xx WARNING, 5xx ERROR
# with the traceback), the application's own loggers from INFO, other libraries from WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logs.RequestIdFilter"},
        "client_error": {"()": "config.logs.ClientErrorFilter"},
    },
    "formatters": {
        "one_line": {
            "()": "config.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "client_error"],
            "formatter": "one_line",
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Named here so that Django's default handlers (console only with DEBUG, mail to the empty
        # ADMINS) are replaced: everything reaches the one stderr handler at the root.
        "django": {"level": "INFO"},
        "accounts": {"level": "INFO"},
        "config": {"level": "INFO"},
        "projects": {"level": "INFO"},
        "dispatch": {"level": "INFO"},  # send_notifications: each failed attempt with its reason
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes). Failures lock per username: an office shares one NAT address,
# so locking by address at this threshold would let anyone lock out the whole office with junk
# names, and an address read from X-Forwarded-For could be forged to reset the count. (A much
# higher limit per address, against password spraying, follows below.)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that a lock without the address can be dodged by rotating user agents or
# cookies; a lock keyed on the username alone is not affected by either.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.login_username"  # cut to the column: a longer name is no account
AXES_HANDLER = "accounts.security.LoginThrottle"  # axes' database handler plus the address limit below
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"  # registration/lockout.html, in Chinese
AXES_VERBOSE = False
# A second limit, per address and far above one office's typos: an address from which this many
# sign-ins failed within the window (over all usernames: password spraying) waits until they are
# older. Counted from axes' records in the database, so all app servers share the count; the
# window cannot be longer than AXES_COOLOFF_TIME, after which axes deletes those records.
KP_LOGIN_ADDRESS_FAILURE_LIMIT = int(env_str("KP_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
KP_LOGIN_ADDRESS_COOLOFF = AXES_COOLOFF_TIME
# Behind nginx every request comes from nginx's address: name it here, and the address nginx saw
# (X-Real-IP, which nginx sets itself) is used instead. Nobody else's headers are trusted.
KP_TRUSTED_PROXIES = env_list("KP_TRUSTED_PROXIES")

# Content Security Policy: everything from this site only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Reverting from the history screen would overwrite current data without the usual checks.
SIMPLE_HISTORY_REVERT_DISABLED = True

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer probes each app server over plain HTTP
    SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    if env_bool("BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets this header itself (nginx: proxy_set_header X-Forwarded-Proto $scheme).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# "Today" for every rule that reads it (projects.clock.today()): overdue problems, the default
# month, report and visit dates. Unset (production), it is the office's calendar day; `make run`
# pins the 2015 demo to a day of October 2015, so that it reads as the office saw it then.
KP_TODAY = env_date("KP_TODAY")
if PRODUCTION and KP_TODAY:
    raise ImproperlyConfigured("KP_TODAY pins the date for the demo and must not be set in production.")

# Reporting rules of the office (amounts in 万元).
KP_MAX_MONTHLY_INVESTMENT = Decimal(env_str("KP_MAX_MONTHLY_INVESTMENT", "1000000"))  # above: refused as absurd
KP_CUMULATIVE_WARNING_RATIO = Decimal(env_str("KP_CUMULATIVE_WARNING_RATIO", "1.5"))  # × annual plan: confirm
# A month above this many times the listing's largest earlier month of the year: confirm.
KP_MONTH_JUMP_RATIO = Decimal(env_str("KP_MONTH_JUMP_RATIO", "3"))
# With no earlier month of the year, a first month above this share of the annual plan: confirm.
KP_FIRST_MONTH_PLAN_SHARE = Decimal(env_str("KP_FIRST_MONTH_PLAN_SHARE", "0.5"))
# Warnings (预警): points behind the time schedule beyond which a listing turns yellow / red.
KP_WARNING_YELLOW_POINTS = Decimal(env_str("KP_WARNING_YELLOW_POINTS", "10"))
KP_WARNING_RED_POINTS = Decimal(env_str("KP_WARNING_RED_POINTS", "30"))
# An open approval item turns yellow this many working days before its time limit ends (red after it).
KP_APPROVAL_YELLOW_WORKDAYS = int(env_str("KP_APPROVAL_YELLOW_WORKDAYS", "3"))
KP_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # an approval's scanned document (PDF, JPEG or PNG)
KP_PHOTO_MAX_BYTES = 10 * 1024 * 1024
KP_PHOTO_MAX_PIXELS = 25_000_000  # a 24-megapixel camera photo fits; decoding cost stays bounded
KP_PHOTOS_PER_REPORT = 10
KP_PHOTO_THUMBNAIL_SIZE = (360, 360)

# Reporting deadline (报送截止日): a month's reports are due on this day of the following month,
# moved to the next working day when it is a weekend or a holiday (selectors.timeliness).
KP_REPORT_DUE_DAY = int(env_str("KP_REPORT_DUE_DAY", "25"))
if not 1 <= KP_REPORT_DUE_DAY <= 31:
    raise ImproperlyConfigured("KP_REPORT_DUE_DAY must be a day of the month, 1 to 31.")
# Reminders (dispatch.services.reminders): this many working days before a deadline, and once overdue.
KP_REMINDER_WORKDAYS = int(env_str("KP_REMINDER_WORKDAYS", "2"))

# Notifications leave through the channels configured here, each optional (dispatch.services.channels).
# Email: Django's email framework (SMTP in production when EMAIL_HOST is set; the console otherwise;
# tests use locmem). Group robots: a DingTalk webhook (signed when KP_DINGTALK_SECRET is set) and a
# WeCom (企业微信) webhook. A user chooses the channels in their profile.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "重点项目跟踪 <noreply@localhost>")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
KP_DINGTALK_WEBHOOK = env_str("KP_DINGTALK_WEBHOOK", "")
KP_DINGTALK_SECRET = env_str("KP_DINGTALK_SECRET", "")
KP_WECOM_WEBHOOK = env_str("KP_WECOM_WEBHOOK", "")
KP_NOTIFY_TIMEOUT = float(env_str("KP_NOTIFY_TIMEOUT", "10"))  # seconds for one delivery attempt
KP_NOTIFY_MAX_ATTEMPTS = int(env_str("KP_NOTIFY_MAX_ATTEMPTS", "6"))  # then failed, with the reason
KP_NOTIFY_BACKOFF_SECONDS = int(env_str("KP_NOTIFY_BACKOFF_SECONDS", "60"))  # doubled after each failure
# The address links in emails and robot messages start with (e.g. https://xmb.example.gov.cn).
KP_SITE_URL = env_str("KP_SITE_URL", "").rstrip("/")
# Open data (opendata, docs/oc4ids.md): the OC4IDS project id prefix registered for this publisher
# (oc4ids-xxxxxx; without it the export refuses and says how to register one), the publisher's
# name when not "<the office's region>项目办", and the address of the data's license, if it has one.
KP_OC4IDS_PREFIX = env_str("KP_OC4IDS_PREFIX", "").strip()
KP_OC4IDS_PUBLISHER = env_str("KP_OC4IDS_PUBLISHER", "").strip()
KP_OC4IDS_LICENSE = env_str("KP_OC4IDS_LICENSE", "").strip()
