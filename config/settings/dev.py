"""Local development: debug on, a fixed throw-away secret, e-mail printed to the console (or, with
EMAIL_BACKEND and EMAIL_FILE_PATH set, written where the browser tests read it)."""

from .base import *  # noqa: F403
from .env import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# A placeholder so that /.well-known/security.txt can be seen locally; production derives its own.
SECURITY_CONTACT = env_str("SECURITY_CONTACT", "mailto:security@example.org")
