"""Wagtail's own search index (behind the admin's page search), made to scale on SQLite.

modelsearch's SQLite index recomputes the average title length over the whole table and
rewrites the title norm of every new row on each save: a full-table pass per publish, so loading
N items costs O(N²) (at a few thousand items it was most of the publish time). Here the norms are
refreshed only by `update_index`, which recomputes them all; until then a new entry ranks with
the neutral norm 1.0. Other databases get modelsearch's backend unchanged.
"""

from functools import cache

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_search_backend


@cache
def _scalable_sqlite_backend_class():
    """Built once, on first use: modelsearch asks for a backend on every save. Imported here
    because the SQLite module registers models that exist only on SQLite."""
    from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex, SQLiteSearchBackend

    class SQLiteIndexWithoutPerSaveNorms(SQLiteIndex):
        def _refresh_title_norms(self, full=False):
            if full:
                super()._refresh_title_norms(full=True)

    class ScalableSQLiteSearchBackend(SQLiteSearchBackend):
        index_class = SQLiteIndexWithoutPerSaveNorms

    return SQLiteSearchBackend, ScalableSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks a backend module up by)
    backend = database_search_backend(params)
    if connection.vendor != "sqlite":
        return backend
    sqlite_backend, scalable_backend = _scalable_sqlite_backend_class()
    if not isinstance(backend, sqlite_backend):  # SQLite without FTS5: the fallback
        return backend
    return scalable_backend(params)
