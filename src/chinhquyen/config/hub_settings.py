"""Settings of the hub running alone (`chinhquyen hub serve`): the hub and core only, its own
database (HUB_DATABASE_URL), no pages, no officials. Everything else as in `settings.py`."""

from __future__ import annotations

import dj_database_url

from chinhquyen.config.env import env_int, env_str
from chinhquyen.config.settings import *  # noqa: F403
from chinhquyen.config.settings import VAR_DIR

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "drf_spectacular",
    "chinhquyen.core",
    "chinhquyen.hub",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chinhquyen.core.middleware.RequestIdMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "chinhquyen.hub.standalone_urls"
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True, "OPTIONS": {}}]

HUB_DATABASE_URL = env_str("HUB_DATABASE_URL", f"sqlite:///{VAR_DIR / 'hub.sqlite3'}")
#: The hub's workers keep their database connection (W5: opening one per request cost a SQLite WAL
#: checkpoint on each close); health checks replace a connection that broke.
DATABASES = {"default": dj_database_url.parse(HUB_DATABASE_URL, conn_max_age=env_int("HUB_DB_CONN_MAX_AGE", 600), conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
#: A package up to HUB_MAX_PACKAGE_BYTES must fit in one request body.
DATA_UPLOAD_MAX_MEMORY_SIZE = HUB_MAX_PACKAGE_BYTES + 1024 * 1024  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chinhquyen.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
