"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "home",
    "knowledge",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "wagtail.api.v2",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the sitemap.xml template wagtail.contrib.sitemaps renders
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "home.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL selects the database: SQLite by default (the embedded set-up),
# postgres://user:pass@host/name when scaled out.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a publish writes; IMMEDIATE avoids "database is locked"
    # on lock upgrades when two writers meet.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English is the default locale, French the second; the interface
# strings are marked for translation and Wagtail's locales let editors translate pages.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Serve uploaded images from Django (one machine, no web server in front). Off in production
# unless SERVE_MEDIA=true; with object storage the storage's own URLs are used instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "ESTHER Knowledge Hub")
# No Gravatar: it would send a hash of every editor's e-mail address to a third party, and its
# images fail on networks that block it. Wagtail shows its default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# Uploads ---------------------------------------------------------------------------------------
# What partners may upload, and how it is served back (docs/SECURITY.md, "Uploads and editor
# content"). The admin's image and document forms add checks Wagtail lacks: an image's pixels are
# counted from its header before anything is decoded, and a document's content must match its
# extension (knowledge/uploads.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "knowledge.uploads.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "knowledge.uploads.DocumentForm"
# Bitmaps only: an SVG is a document that can carry scripts.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# 25 megapixels takes a 24 MP camera's photos (6000 x 4000) and every phone's usual output; pages
# never show more than a few megapixels. Renditions decode the whole image, up to 100 MB at 4 bytes
# a pixel, so this bounds what one upload can cost a worker.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 25_000_000
# What partners publish: reports and papers, slides, spreadsheets and data. Each has a content
# check. Not zip (opaque: it could carry anything, under our name), not rtf or the pre-2007 Office
# formats (they embed OLE objects and macros), never svg, html or xml (pages that run scripts).
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents go through Wagtail's view (/documents/<id>/<name>: collection privacy, permissions),
# never straight from the media folder (config/urls.py serves only images from it).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Only PDFs open in the browser; every other type downloads as an attachment. Whatever is served
# gets "Content-Security-Policy: default-src 'none'" and "X-Content-Type-Options: nosniff".
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
# ------------------------------------------------------------------------------------------------

# Search: the database engine (SQLite FTS5 / PostgreSQL full text) unless ELASTICSEARCH_URL
# points at an Elasticsearch 8 or 9 cluster.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_API_KEY = env_str("ELASTICSEARCH_API_KEY")
SEARCH_ENGINE = "elasticsearch" if ELASTICSEARCH_URL else "database"
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "esther")
SEARCH_TIMEOUT = env_int("SEARCH_TIMEOUT", 5)

# OAI-PMH (/oai/): identifiers are oai:<OAI_REPOSITORY_ID>:<page id>; unset, the site's host name
# is used. Lists come in pages of OAI_PAGE_SIZE records with a resumption token.
OAI_REPOSITORY_ID = env_str("OAI_REPOSITORY_ID", "")
OAI_ADMIN_EMAIL = env_str("OAI_ADMIN_EMAIL", "")
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 100)

# Background work (search index updates, image renditions). Locally tasks run in-process right
# after the commit; production uses the durable database backend and `manage.py db_worker`.
# Search updates are durable either way: they wait in the index queue until applied.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "knowledge": {"level": "INFO"},
        "search": {"level": "INFO"},
    },
}
