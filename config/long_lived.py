"""A served process's long-lived objects, left out of the garbage collector's full passes.

Everything a web process loads before its first request (Django, Wagtail, the routes and the
views they import) lives as long as the process. Python's full collections walked all of it,
about 120 ms at a time, and they come often while a new process's caches grow: during its first
searches. Frozen, those objects are never walked again (and never freed, as they never would be).
"""

import gc

from django.urls import get_resolver


def freeze_what_is_loaded() -> None:
    get_resolver().url_patterns  # noqa: B018 (imports the views now, not on the first request)
    gc.collect()  # what is garbage already is freed, not frozen
    gc.freeze()
