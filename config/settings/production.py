"""Production: everything from the environment; refuses to start without its secrets.

Required: SECRET_KEY, ALLOWED_HOSTS. Optional: DATABASE_URL, MEDIA_ROOT/MEDIA_URL or
AWS_STORAGE_BUCKET_NAME (object storage), DJANGO_SECURE_SSL_REDIRECT, DJANGO_HSTS_SECONDS,
DJANGO_HSTS_PRELOAD, DJANGO_BEHIND_PROXY, TRUSTED_PROXY_COUNT, SECURITY_CONTACT, the rate limits
and sign-in throttling (docs/SECURITY.md), EMAIL_URL-style EMAIL_* settings. See README.
"""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES, keep_connections_open
from .env import env_bool, env_int, env_list, env_required, env_str

DEBUG = False
keep_connections_open(DATABASES["default"])
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
SECRET_KEY = env_required("SECRET_KEY", "production needs a long random secret key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS", "a comma-separated list of the host names the site answers to")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS everywhere. Behind a TLS-terminating proxy set DJANGO_BEHIND_PROXY=true so Django
# trusts its X-Forwarded-Proto header, and (unless TRUSTED_PROXY_COUNT says how many proxies there
# are) the last address that one proxy adds to X-Forwarded-For as the client's.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options, CSP: base.py, everywhere.

# Where to report a security flaw (/.well-known/security.txt): RFC 2142's security@ mailbox of the
# site's domain unless SECURITY_CONTACT names another address or an https:// page.
_domain = ALLOWED_HOSTS[0].lstrip(".")
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "" if "*" in _domain else f"mailto:security@{_domain}")

# WhiteNoise serves the collected static files, compressed and with far-future cache headers.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    # Object storage for media when several app servers share uploads. django-storages
    # reads AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME and the credentials from the environment.
    # The bucket serves only `images/` (public renditions) to the public: originals and
    # protected renditions go through the site's checking views (README, docs/SECURITY.md).
    STORAGES["default"] = {
        "BACKEND": "knowledge.publishing.s3_storage.CheckedS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Tasks wait in the database until `manage.py db_worker` runs them; TASKS_BACKEND=immediate
# runs them in the web process instead (a single machine with no worker).
if env_str("TASKS_BACKEND", "database") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
