"""The benchmark: production behaviour (no debug, cached templates) on a separate database,
served over plain HTTP on 127.0.0.1. Set DATABASE_URL to the benchmark's own file."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, RATE_LIMITS, keep_connections_open
from .env import env_str

DEBUG = False
SECRET_KEY = "benchmark-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# generate_corpus refuses to write synthetic content unless this is set (or DEBUG is on).
ALLOW_SYNTHETIC_CORPUS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
if not env_str("DATABASE_URL"):
    raise RuntimeError("The benchmark needs DATABASE_URL: its own database, never the site's.")
assert DATABASES["default"]  # noqa: S101 (parsed from DATABASE_URL by base)
keep_connections_open(DATABASES["default"])  # as production serves
# The benchmark measures the tantivy engine. Each database file has its index beside it
# (`run.sqlite3.search-index`, a corpus build's own scratch index), so a corpus building in the
# background never shares an index, or its one writer, with a run.
SEARCH_ENGINE = "tantivy"
SEARCH_INDEX_DIR = Path(f"{DATABASES['default']['NAME']}.search-index")
# One client address sends every request: limits stay in force (their cost is measured) but
# high enough never to answer 429.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "1000000/m")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
