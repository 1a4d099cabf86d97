"""Settings of chinhquyen, read from environment variables (docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chinhquyen.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("CHINHQUYEN_HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEFAULT_SECRET_KEY = "chinhquyen-insecure-default-key-change-me"  # noqa: S105 - the refused default
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)
if not DEBUG and not TESTING and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the default one and DEBUG is off: set SECRET_KEY (Khóa bí mật đang là giá trị mặc định; hãy đặt biến SECRET_KEY)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
#: Addresses or networks of the reverse proxies in front of the site (nginx, a load balancer);
#: only from these is `X-Forwarded-For` believed (core.net). Empty: the TCP peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    # The admin site whose login is the officials' one and that needs the second factor (ADR 0033).
    "chinhquyen.organizations.apps.OfficialsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "chinhquyen.core",
    "chinhquyen.organizations",
    "chinhquyen.workdays",
    "chinhquyen.procedures",
    "chinhquyen.dossiers",
    "chinhquyen.portal",
    "chinhquyen.documents",
    "chinhquyen.signing",
    "chinhquyen.exchange",
    "chinhquyen.hub",
    "chinhquyen.reports",
]

MIDDLEWARE = [
    "chinhquyen.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chinhquyen.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chinhquyen.organizations.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chinhquyen.core.sessions.SessionTimeoutMiddleware",
    "chinhquyen.core.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "chinhquyen.core.middleware.LoginRequiredByDefaultMiddleware",
]

ROOT_URLCONF = "chinhquyen.config.urls"
WSGI_APPLICATION = "chinhquyen.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chinhquyen.organizations.context_processors.official_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chinhquyen.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions: writers queue for the lock at BEGIN instead of failing
    # half-way (DESIGN.md, facts about the stack).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file, not ":memory:", so that threads and processes share the database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, dashboards; ADR 0035) ------------------------------------------------
#: Shared by every process, so that rate limits hold across gunicorn workers: empty, the database
#: cache (table `chinhquyen_cache`, created by the core migrations); `redis://host:6379/0` (or
#: `rediss://`), Django's Redis backend (install the `redis` package).
CACHE_URL = env_str("CACHE_URL", "")
#: Entries the database cache keeps before it culls (expired ones first, then a third of the rest).
CACHE_MAX_ENTRIES = env_int("CACHE_MAX_ENTRIES", 200_000)
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(
        "CACHE_URL must be empty (the database cache) or a redis:// URL "
        "(CACHE_URL phải để trống — dùng bộ nhớ đệm trong cơ sở dữ liệu — hoặc là một URL redis://)."
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "chinhquyen_cache",
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.Account"
AUTHENTICATION_BACKENDS = ["chinhquyen.organizations.backends.RoleBackend"]
LOGIN_URL = "organizations:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "organizations:login"
if TESTING:
    # Hashing strength is not what the tests check; the real hasher (PBKDF2) is the default elsewhere.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
#: Failed logins in a row before an account is locked, and for how long (minutes).
# Attempt limits of every login door (organizations.authentication, ADR 0033): per user name and
# client address (the wait doubles with each further failure), per address, and for the whole site.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
LOGIN_MAX_FAILURES_GLOBAL = env_int("LOGIN_MAX_FAILURES_GLOBAL", 1000)
#: Key that encrypts the TOTP secrets at rest (empty: derived from SECRET_KEY).
OTP_ENCRYPTION_KEY = env_str("OTP_ENCRYPTION_KEY", "")
#: django-otp: after n wrong codes the next one is checked only after 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
#: Lifetime of an API token (django-rest-knox); it is also revoked at logout, password change,
#: deactivation and second-factor reset.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 10)
#: The demo accounts' shared password (printed by `make run`); used only by `load_demo`.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "ChinhQuyen@2026")


# --- Security headers and sessions (issue 16; ADR 0037; docs/operations/deployment.md) -------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: Absolute session limit (seconds from login), enforced server-side by core.sessions.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
#: Idle limit: a session with no request for this many minutes is logged out (core.sessions).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # ASVS 4.0.3 V3.4.4: `__Host-` binds the cookies to this host (Secure, Path=/, no Domain);
    # a browser refuses the prefix on plain http, so the demo keeps Django's names.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
#: TLS ends at the proxy: `X-Forwarded-Proto: https` says the request was HTTPS, believed only
#: when a trusted proxy sent it (core.middleware.TrustedProxyMiddleware drops it from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
#: Redirect plain HTTP to HTTPS (on in production; needs TRUSTED_PROXIES when TLS ends at a proxy).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
#: The health check answers on plain HTTP too (load balancers probe it on the private network).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
#: Strict-Transport-Security: seconds (0: not sent; production: 31536000), subdomains, preload.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
#: Deployment checks silenced, each for a reason (docs/operations/deployment.md, "Deployment checks").
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload: entering the preload list is a decision for the whole registrable domain
    # (gov.vn and the province's domain), not for one site; SECURE_HSTS_PRELOAD turns it on.
    "security.W021",
]
#: Content-Security-Policy (django-csp 4): officials' pages and the admin load scripts, styles,
#: fonts and images from this site only, never inline; the portal's pages run no script at all
#: (portal.urls narrows it per view). Downloads set their own sandboxing policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIR = Path(env_str("FRONTEND_DIR", str(PACKAGE_DIR.parent.parent / "frontend" / "node_modules")))
STATICFILES_DIRS = [
    ("vendor/uswds", FRONTEND_DIR / "@uswds" / "uswds" / "dist"),
    ("vendor/htmx", FRONTEND_DIR / "htmx.org" / "dist"),
    ("vendor/be-vietnam-pro", FRONTEND_DIR / "@fontsource" / "be-vietnam-pro"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 20 * 1024 * 1024)

# --- Uploads: one policy for every intake path (core/uploads.py, ADR 0036) --------------------
#: Largest file accepted at the counter and in the document office (scans, drafts, attachments), bytes.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
#: Largest file an administrator imports (procedures, agencies, working calendars), bytes.
UPLOAD_IMPORT_MAX_BYTES = env_int("UPLOAD_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
#: Largest image accepted, in pixels (width × height); larger ones are refused before decoding.
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 70_000_000)
#: A DOCX/XLSX whose members declare more than this many bytes in all is refused (zip bomb).
UPLOAD_MAX_UNZIPPED_BYTES = env_int("UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
#: A DOCX/XLSX member larger than 1 MB that expands more than this many times is refused.
UPLOAD_MAX_ZIP_RATIO = env_int("UPLOAD_MAX_ZIP_RATIO", 100)
#: ClamAV's daemon: a Unix socket path, or a host and port; empty: no ClamAV scan.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "")
CLAMD_HOST = env_str("CLAMD_HOST", "")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
#: Seconds to wait for clamd; a scanner that does not answer refuses the file.
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
#: Dotted path of another scanner, (content: bytes, name: str) -> name of what it found or None; used when clamd is not set.
UPLOAD_VIRUS_SCANNER = env_str("UPLOAD_VIRUS_SCANNER", "")

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL", "console://")


def _email_settings(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parsed.scheme!r}")
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587 if parsed.scheme == "submission" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "submission",
    }


globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chinhquyen@localhost")

# --- Background work (django-tasks + django-tasks-db) ----------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call gets 401 with `WWW-Authenticate: Token`. Expiring,
        # hashed django-rest-knox tokens, officials only (organizations.api.auth).
        "chinhquyen.organizations.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chinhquyen.core.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "chinhquyen.core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
}
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=API_TOKEN_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "chinhquyen API",
    "DESCRIPTION": "API của nền tảng chính quyền điện tử chinhquyen (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "chinhquyen.organizations.models.AgencyKind",
        "AccountKindEnum": "chinhquyen.organizations.models.AccountKind",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

#: Seconds a process keeps the working calendar before re-checking it for changes (workdays,
#: ADR 0005); a change made in the same process is seen at once.
WORKDAYS_CACHE_SECONDS = env_int("WORKDAYS_CACHE_SECONDS", 0 if TESTING else 30)

#: Where to report a vulnerability (an e-mail address or URL), published at /.well-known/security.txt (RFC 9116).
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "mailto:security@localhost")

#: Name of the deployment shown in the header (the province).
SITE_NAME = env_str("SITE_NAME", "Chính quyền điện tử")

# --- Search and text extraction (core.search, core.ocr; issue 5; docs/paper-intake.md) ---------
#: Relevance order ranks only the newest this-many matches (bounds the cost of a very common word).
SEARCH_RANK_CANDIDATES = env_int("SEARCH_RANK_CANDIDATES", 1000)
#: Result counts stop here ("more than 1000").
SEARCH_COUNT_CAP = env_int("SEARCH_COUNT_CAP", 1000)
#: Tesseract languages for OCR (`vie`, or `vie+eng`).
OCR_LANGUAGES = env_str("OCR_LANGUAGES", "vie")
#: Resolution scanned PDF pages are rendered at for OCR (dots per inch).
OCR_DPI = env_int("OCR_DPI", 300)
#: Seconds Tesseract may spend on one page before the extraction fails (retryable).
OCR_PAGE_TIMEOUT = env_int("OCR_PAGE_TIMEOUT", 120)
#: Scanned pages OCR'd per file; the rest is skipped with a warning.
OCR_MAX_PAGES = env_int("OCR_MAX_PAGES", 100)
#: Largest file text is extracted from (bytes); larger ones fail visibly.
EXTRACT_MAX_BYTES = env_int("EXTRACT_MAX_BYTES", 100 * 1024 * 1024)
#: Most pages read from one PDF.
EXTRACT_MAX_PAGES = env_int("EXTRACT_MAX_PAGES", 1000)

# --- Bounded parsing of outside files (core.limits; ADR 0039) -----------------------------------
#: Most unpacked / packed bytes of one zip member past its first 10 MB (zip bombs: `file.zip_ratio`).
FILE_MAX_COMPRESSION_RATIO = env_int("FILE_MAX_COMPRESSION_RATIO", 100)
#: Most pixels (width × height) of an image read from outside, checked before decoding (`file.image_too_large`).
FILE_MAX_IMAGE_PIXELS = env_int("FILE_MAX_IMAGE_PIXELS", 50_000_000)
#: Seconds a worker may spend parsing one outside file (an edXML message, a scan) before it is stopped.
FILE_PARSE_SECONDS = env_int("FILE_PARSE_SECONDS", 60)

# --- One-stop shop (procedures, dossiers; issue 8) -------------------------------------------
#: The public tracking page the receipt's QR code opens; `{code}` is replaced by the dossier code.
DOSSIER_TRACKING_URL = env_str("DOSSIER_TRACKING_URL", "http://127.0.0.1:8000/dich-vu-cong/tra-cuu/?code={code}")
#: Dossiers received in person after this time are passed on the next working day (NĐ 61/2018 art. 18).
DOSSIER_TRANSFER_CUTOFF = env_str("DOSSIER_TRANSFER_CUTOFF", "15:00")
#: Rate limit of the public tracking (page, portal page, API) per client address ("30/min"; core.ratelimit).
DOSSIER_TRACKING_RATE = env_str("DOSSIER_TRACKING_RATE", "30/min")
#: Wrong keys (ID number or receipt secret) one dossier code accepts in a window, whatever the
#: address; then its tracking answers "too many attempts" until the window ends.
DOSSIER_TRACKING_FAILURES = env_str("DOSSIER_TRACKING_FAILURES", "10/h")
#: Seconds the dossier statistics (on-time dashboard) are kept in the cache.
DOSSIER_STATS_CACHE_SECONDS = env_int("DOSSIER_STATS_CACHE_SECONDS", 60)
#: SMS provider for notifications to applicants: "console" (a file or the log) or "http".
SMS_PROVIDER = env_str("SMS_PROVIDER", "console")
#: The console provider appends one JSON line per message here; empty: the log only.
SMS_FILE = env_str("SMS_FILE", "")
#: The http provider's gateway URL, bearer token, sender name (brand name) and timeout (seconds).
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN", "")
SMS_HTTP_SENDER = env_str("SMS_HTTP_SENDER", "CHINHQUYEN")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)

# --- Public service portal (portal, issue 9; docs/portal.md) --------------------------------------
#: Largest file a citizen may upload for one component, in bytes.
PORTAL_UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
#: Bytes one applicant may keep in unsubmitted drafts, and send in one supplement's answer.
PORTAL_UPLOAD_QUOTA_BYTES = env_int("PORTAL_UPLOAD_QUOTA_BYTES", 100 * 1024 * 1024)
#: Rate limit of sign-up, login and verification attempts on the portal per client address ("10/min"; core.ratelimit).
PORTAL_ACCOUNT_RATE = env_str("PORTAL_ACCOUNT_RATE", "10/min")
#: Hours an e-mail verification link stays valid.
PORTAL_VERIFY_HOURS = env_int("PORTAL_VERIFY_HOURS", 48)
#: OpenID Connect sign-in (a national identity provider): issuer URL (empty: off), client id and secret.
PORTAL_OIDC_ISSUER = env_str("PORTAL_OIDC_ISSUER", "")
PORTAL_OIDC_CLIENT_ID = env_str("PORTAL_OIDC_CLIENT_ID", "")
PORTAL_OIDC_CLIENT_SECRET = env_str("PORTAL_OIDC_CLIENT_SECRET", "")
#: The id_token claim that carries the personal identification number (12 digits).
PORTAL_OIDC_ID_CLAIM = env_str("PORTAL_OIDC_ID_CLAIM", "id_number")

# --- Digital signatures (signing, issue 6; docs/signing.md) ---------------------------------
#: Secret from which the key that encrypts stored PKCS#12 files is derived (HKDF-SHA256); empty
#: means derive it from SECRET_KEY. Changing it makes the stored PKCS#12 files unreadable.
SIGNING_KEY_ENCRYPTION_KEY = env_str("SIGNING_KEY_ENCRYPTION_KEY", "")
#: RSA signature padding: "pkcs1v15" (what VGCA certificates use today) or "pss" (Circular 15/2025).
SIGNING_RSA_PADDING = env_str("SIGNING_RSA_PADDING", "pkcs1v15")
#: RFC 3161 timestamp authority URL; set → PAdES B-T (e.g. http://ca.gov.vn/tsa), empty → B-B.
SIGNING_TSA_URL = env_str("SIGNING_TSA_URL", "")
#: Fetch CRL/OCSP over the network when signing (B-LT) and validating; off in closed networks.
SIGNING_FETCH_REVOCATION = env_bool("SIGNING_FETCH_REVOCATION", False)
#: Extra trust anchors (PEM files, comma-separated) besides those stored in the database.
SIGNING_TRUST_ANCHOR_FILES = env_list("SIGNING_TRUST_ANCHOR_FILES", [])
#: The largest PDF signed or validated, in bytes; larger files are refused before being read.
SIGNING_MAX_PDF_BYTES = env_int("SIGNING_MAX_PDF_BYTES", 100 * 1024 * 1024)
#: Font of the number/date fields and the text labels (Vietnamese glyphs; DESIGN.md: Noto).
SIGNING_FONT_FILE = env_str("SIGNING_FONT_FILE", "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")
#: Diameter of the red seal image when the PNG does not say its resolution, in millimetres.
SIGNING_SEAL_DIAMETER_MM = env_int("SIGNING_SEAL_DIAMETER_MM", 36)

# --- Document exchange (issue 7; docs/exchange.md) -------------------------------------------
#: The transport the delivery worker uses: `hub` (ours), `national_axis` or `lgsp` (not built).
EXCHANGE_TRANSPORT = env_str("EXCHANGE_TRANSPORT", "hub")
EXCHANGE_HUB_URL = env_str("EXCHANGE_HUB_URL", "http://127.0.0.1:8000/hub/api/v1/")
EXCHANGE_HUB_CONNECTOR = env_str("EXCHANGE_HUB_CONNECTOR", "")
EXCHANGE_HUB_SECRET = env_str("EXCHANGE_HUB_SECRET", "")
EXCHANGE_AXIS_URL = env_str("EXCHANGE_AXIS_URL", "")
EXCHANGE_AXIS_SYSTEM_ID = env_str("EXCHANGE_AXIS_SYSTEM_ID", "")
EXCHANGE_AXIS_SECRET = env_str("EXCHANGE_AXIS_SECRET", "")
EXCHANGE_HTTP_TIMEOUT_SECONDS = env_int("EXCHANGE_HTTP_TIMEOUT_SECONDS", 30)
#: Backoff of the delivery worker: min(max, base·2^(n-1)), times a jitter in [0.5, 1]; no attempt limit.
EXCHANGE_RETRY_BASE_SECONDS = env_int("EXCHANGE_RETRY_BASE_SECONDS", 2)
EXCHANGE_RETRY_MAX_SECONDS = env_int("EXCHANGE_RETRY_MAX_SECONDS", 300)
EXCHANGE_POLL_SECONDS = env_int("EXCHANGE_POLL_SECONDS", 5)
#: Limits on what the codec reads from outside (edXML hardening).
EXCHANGE_MAX_PACKAGE_BYTES = env_int("EXCHANGE_MAX_PACKAGE_BYTES", 50 * 1024 * 1024)
EXCHANGE_MAX_ATTACHMENTS = env_int("EXCHANGE_MAX_ATTACHMENTS", 50)
EXCHANGE_MAX_DECOMPRESSED_BYTES = env_int("EXCHANGE_MAX_DECOMPRESSED_BYTES", 160 * 1024 * 1024)
#: PEM key and certificate that sign outgoing packages (XML-DSig); empty = unsigned.
EXCHANGE_SIGNING_KEY_FILE = env_str("EXCHANGE_SIGNING_KEY_FILE", "")
EXCHANGE_SIGNING_CERT_FILE = env_str("EXCHANGE_SIGNING_CERT_FILE", "")
#: The hub (embedded here, or alone with `chinhquyen hub serve`).
HUB_CLOCK_SKEW_SECONDS = env_int("HUB_CLOCK_SKEW_SECONDS", 300)
HUB_MAX_PACKAGE_BYTES = env_int("HUB_MAX_PACKAGE_BYTES", 50 * 1024 * 1024)
HUB_RETENTION_DAYS = env_int("HUB_RETENTION_DAYS", 90)

# --- Indicators and reports (reports, issue 10; docs/open-data.md) ---------------------------
#: Seconds the dashboards' figures are kept in the cache; the pages say when they were computed.
REPORTS_CACHE_SECONDS = env_int("REPORTS_CACHE_SECONDS", 0 if TESTING else 300)
