"""Settings shared by every environment. Values that differ come from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

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
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # Content translation (translation memory, PO files, sync): replaces wagtail.locales and
    # wagtail.contrib.simple_translation; partners translate only their own partnership's items
    # (knowledge/publishing/translation.py).
    "wagtail_localize",
    "wagtail_localize.locales",
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
    "config.security",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.csp.SiteCSPMiddleware",
    "config.security.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "config.security.ratelimit.RateLimitMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
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
        # A kept connection is checked before a request reuses it (a restarted server closed it).
        conn_health_checks=True,
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


def keep_connections_open(database: dict) -> None:
    """For a served site (production, the benchmark): each server thread keeps its connection,
    as opening one took about 1 ms a request, a tenth of a search. Not in development: runserver
    starts a thread per request, so its connections would never be reused."""
    database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out username or address before any password is checked.
AUTHENTICATION_BACKENDS = ["config.security.login.SignInThrottleBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the interface in English (the default, at /), French (/fr/), Portuguese
# (/pt/) and Spanish (/es/); every interface string goes through locale/<code>/LC_MESSAGES.
# Wagtail's locales (one row per language, created by home's migrations) let editors translate
# pages; a page with no translation is shown in its own language within the reader's interface.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("pt", _("Portuguese")), ("es", _("Spanish"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A translation starts as a draft, whatever the state of its source: it reaches readers when
# someone who may publish (an alliance editor) publishes it, as every partner's change does.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Translations are made by people (no machine translator is configured: nothing leaves the site).
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the reader's language (|date:"DATE_FORMAT", |intcomma); English's own
# formats are British (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Serve public image renditions (`images/`) from Django (one machine, no web server in front).
# Off in production unless SERVE_MEDIA=true; with object storage the bucket serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Original images and the renditions of a partnership's images not yet public are served only by
# the site's checking views, at this path whatever MEDIA_URL says (knowledge/publishing/media.py).
CHECKED_MEDIA_URL = MEDIA_URL if MEDIA_URL.startswith("/") else "/media/"
# Behind nginx: the `internal` location those views hand allowed files to (X-Accel-Redirect),
# e.g. "/internal-media/"; unset, Django streams them itself.
MEDIA_X_ACCEL_REDIRECT = env_str("MEDIA_X_ACCEL_REDIRECT", "")

STORAGES = {
    # The media folder, with originals and protected renditions addressed through the site.
    "default": {"BACKEND": "knowledge.publishing.storage.CheckedMediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "ESTHER Knowledge Hub")
# No Gravatar: it would send a hash of every editor's e-mail address to a third party, and its
# images fail on networks that block it. Wagtail shows its default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Partners sign in with the username their invitation names, or the address it went to.
WAGTAILADMIN_USER_LOGIN_FORM = "knowledge.publishing.plain_words.UsernameOrEmailLoginForm"
# The admin's page search: Wagtail's database backend, made to scale on SQLite (config/wagtail_compat.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "config.wagtail_compat"}}
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

# Search: tantivy, embedded (an index in SEARCH_INDEX_DIR), whatever the database, unless
# ELASTICSEARCH_URL points at an Elasticsearch 8 or 9 cluster; SEARCH_ENGINE=tantivy|elasticsearch
# chooses. Wagtail's admin search stays on the database (WAGTAILSEARCH_BACKENDS above).
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_API_KEY = env_str("ELASTICSEARCH_API_KEY")
SEARCH_ENGINE = env_str("SEARCH_ENGINE", "elasticsearch" if ELASTICSEARCH_URL else "tantivy")
if SEARCH_ENGINE not in ("tantivy", "elasticsearch"):
    raise ValueError(f"SEARCH_ENGINE must be tantivy or elasticsearch, not {SEARCH_ENGINE!r}.")
# The tantivy engine's index: a folder the site's user can write (engines/tantivy_folder.py).
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(BASE_DIR / "search-index")))
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "esther")
SEARCH_TIMEOUT = env_int("SEARCH_TIMEOUT", 5)
# Elasticsearch only: creating indexes, bulk loads, refreshes and alias swaps wait this long.
SEARCH_INDEXING_TIMEOUT = env_int("SEARCH_INDEXING_TIMEOUT", 120)

# OAI-PMH (/oai/): identifiers are oai:<OAI_REPOSITORY_ID>:<page id>; unset, the site's host name
# is used. Lists come in pages of OAI_PAGE_SIZE records with a resumption token.
OAI_REPOSITORY_ID = env_str("OAI_REPOSITORY_ID", "")
OAI_ADMIN_EMAIL = env_str("OAI_ADMIN_EMAIL", "")
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 100)

# Background work (search index updates, image renditions). Locally tasks run in-process right
# after the commit; production uses the durable database backend and `manage.py db_worker`.
# Search updates are durable either way: they wait in the index queue until applied.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security ---------------------------------------------------------------------------------------
# What each setting defends, and the tests that prove it: docs/SECURITY.md.

# Reverse proxies in front of the site that each append the address they received a request
# from to X-Forwarded-For. The client's address (for rate limits and sign-in throttling) is then
# the TRUSTED_PROXY_COUNT-th entry from the right; with 0 the header is never read, since anyone
# can send it. One rule for both (config/security/client_ip.py, with django-ipware).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SECURITY_ADMIN_PATH = "/admin/"
# The admin would otherwise ask releases.wagtail.org for new versions from every editor's browser.
WAGTAIL_ENABLE_UPDATE_CHECK = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views lift it to SAMEORIGIN for the admin's preview panel
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp). The public site runs no inline script or style and loads
# nothing from elsewhere. JSON-LD blocks (<script type="application/ld+json">) are data, which
# browsers neither run nor check against script-src. Images may come from MEDIA_URL's host or
# from CSP_MEDIA_ORIGINS when uploads live in object storage.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS", [])
if MEDIA_URL.startswith(("https://", "http://")):
    CSP_MEDIA_ORIGINS.append("/".join(MEDIA_URL.split("/")[:3]))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *CSP_MEDIA_ORIGINS],
        "media-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Wagtail's admin (/admin/) needs more; each addition was found by opening the admin's pages in
# Chromium under the strict policy and reading the violations (docs/SECURITY.md lists them).
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        # Wagtail's date and time widgets, choosers and inline panels write inline <script> whose
        # text differs per field, and widgets render without the request, so no hash or nonce fits.
        "script-src": ["'self'", "'unsafe-inline'"],
        # Wagtail's bundled libraries insert <style> elements at run time.
        "style-src": ["'self'", "'unsafe-inline'"],
        # Upload forms show each chosen image before sending it, from a blob: URL.
        "img-src": ["'self'", "data:", "blob:", *CSP_MEDIA_ORIGINS],
        # The editor's preview panel shows the page in an iframe from the admin itself.
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Pages of the admin anyone can reach keep the strict policy: sign-in and password reset.
CSP_ADMIN_STRICT_PATHS = ("login/", "password_reset/")

# Rate limits per client address (config/security/ratelimit.py): "60/m" is 60 requests a minute,
# also "10/5m", "1000/h", "30/20s"; "off" lifts a limit. Counted in the RATE_LIMIT_CACHE cache.
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMITS = {
    # /search/, /api/search/, /feeds/search.atom
    "search": env_str("RATE_LIMIT_SEARCH", "60/m"),
    # /api/search/autocomplete/: the search box asks once per pause in typing
    "autocomplete": env_str("RATE_LIMIT_AUTOCOMPLETE", "120/m"),
    # /search/export/<format>/: up to 1,000 items each
    "export": env_str("RATE_LIMIT_EXPORT", "10/m"),
    # /api/v2/ and /oai/
    "api": env_str("RATE_LIMIT_API", "120/m"),
    # the password form of a page made private with a shared password
    "page_password": env_str("RATE_LIMIT_PAGE_PASSWORD", "10/m"),
    # /admin/password_reset/, which e-mails whatever address it is given
    "password_reset": env_str("RATE_LIMIT_PASSWORD_RESET", "10/h"),
    # sign-in forms (POSTs only), whatever the username: password guessing across accounts from
    # one address, which the username-and-address lock-out below does not count
    "sign_in": env_str("RATE_LIMIT_SIGN_IN", "30/15m"),
}
# "memory" counts in each process's own memory: with several gunicorn workers each has its own
# counts, so a client gets up to workers x the limit. "database" shares the counts between all
# processes and machines (run `manage.py createcachetable` once).
RATE_LIMIT_CACHE_BACKEND = env_str("RATE_LIMIT_CACHE", "memory")
RATE_LIMIT_CACHE = "ratelimit"
# django-ratelimit, which counts: in that cache, by client_ip, IPv6 clients by their /64 network; a
# cache that answers nothing lets requests through (one that raises too: config/security/ratelimit.py).
RATELIMIT_USE_CACHE = RATE_LIMIT_CACHE
RATELIMIT_IP_META_KEY = "config.security.client_ip.client_ip"
RATELIMIT_IPV6_MASK = 64
RATELIMIT_FAIL_OPEN = True
CACHES = {
    # Each process's own memory. Django's default of 300 entries made it evict (a third at a
    # time) what pages read on every request, the home page figures, the search's facet labels
    # and Wagtail's site root paths, whenever citations and image renditions filled it; the
    # entries are small.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10_000}},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rate_limit_cache"}
        if RATE_LIMIT_CACHE_BACKEND == "database"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}

# Sign-in throttling (django-axes; config/security/login.py): after LOGIN_FAILURE_LIMIT failed
# attempts for one username from one address, signing in is refused for LOGIN_COOLOFF_MINUTES to
# that username from that address, the same way whether the account exists or not. Counted by
# username and address together, so that nobody can lock an editor out from elsewhere; sign-ins
# from one address across usernames are bounded by RATE_LIMITS["sign_in"] (docs/SECURITY.md).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "config.security.login.attempted_username"
AXES_LOCKOUT_CALLABLE = "config.security.login.locked_out"
AXES_RESET_ON_SUCCESS = True
# Failed attempts are kept until their cool-off ends; successful sign-ins are not logged.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# Where to report a security flaw: an e-mail address or https:// URL, published at
# /.well-known/security.txt (RFC 9116) and in docs/SECURITY.md.
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "")
SECURITY_POLICY_URL = env_str("SECURITY_POLICY_URL", "")
# ------------------------------------------------------------------------------------------------

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
