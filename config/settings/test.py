"""Test runs: fast hashing, media in a throw-away folder, e-mail kept in memory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .env import env_str

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="esther-test-media-"))
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests use tantivy unless a test asks for another or SEARCH_ENGINE says so (each test gets an
# empty index of its own: tests/conftest.py); the search behaviour suite runs on every engine,
# Elasticsearch too when ELASTICSEARCH_URL is set (on throw-away indexes).
SEARCH_ENGINE = env_str("SEARCH_ENGINE", "tantivy")
SEARCH_INDEX_PREFIX = "esther-test"
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR") or tempfile.mkdtemp(prefix="esther-test-search-index-"))
# Rate limits would stop tests that send many searches; tests/security/test_rate_limit.py switches
# them on where they are the subject.
RATE_LIMIT_ENABLED = False
