"""Caching what is computed from all published content (the home page's figures) until that
content changes.

Wagtail writes an audit log entry for every publish, unpublish, move, deletion, privacy change
and snippet edit, so the newest entries' ids change with anything those figures count; reading
them is two primary-key lookups, whatever the size of the library.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from wagtail.models import ModelLogEntry, PageLogEntry

# Changes made past Wagtail's actions (a shell, a raw import) show within ten minutes, and so
# does a new year in "years of partnership".
SAFETY_SECONDS = 600


def content_version() -> str:
    # Both newest ids in one statement: it runs on every search and on the pages with figures.
    pages, snippets = (connection.ops.quote_name(model._meta.db_table) for model in (PageLogEntry, ModelLogEntry))
    with connection.cursor() as cursor:
        # Table names from the models, quoted: no input reaches this statement.
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {pages}), (SELECT MAX(id) FROM {snippets})")  # noqa: S608
        newest_page, newest_snippet = cursor.fetchone()
    return f"{newest_page}-{newest_snippet}"


def cached_until_content_changes(key: str, compute: Callable):
    versioned = f"content:{key}:{content_version()}"
    value = cache.get(versioned)
    if value is None:
        value = compute()
        cache.set(versioned, value, SAFETY_SECONDS)
    return value
