"""Wagtail's own search index (behind the admin's page search), made to scale on SQLite.

modelsearch's SQLite index recomputes the average title length over the whole table and
rewrites the title norm of every new row on each save: a full-table pass per publish, so
loading N items costs O(N²) (at a few thousand items it was most of the publish time). Here the
norms are refreshed only by `update_index`, which recomputes them all; until then a new entry
ranks with the neutral norm 1.0. Other databases get modelsearch's backend unchanged.
"""

from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex, SQLiteSearchBackend


class SQLiteIndexWithoutPerSaveNorms(SQLiteIndex):
    def _refresh_title_norms(self, full=False):
        if full:
            super()._refresh_title_norms(full=True)


class ScalableSQLiteSearchBackend(SQLiteSearchBackend):
    index_class = SQLiteIndexWithoutPerSaveNorms


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks a backend module up by)
    backend = database_search_backend(params)
    if isinstance(backend, SQLiteSearchBackend):
        return ScalableSQLiteSearchBackend(params)
    return backend
