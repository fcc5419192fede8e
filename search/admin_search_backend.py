"""Wagtail's own search index (behind the admin's page search), made to scale on SQLite.

modelsearch's SQLite index recomputes the average title length over the whole table and
rewrites the title norm of every new row on each save: a full-table pass per publish, so loading
N items costs O(N²) (at a few thousand items it was most of the publish time). Here the norms are
refreshed only by `update_index`, which recomputes them all; until then a new entry ranks with
the neutral norm 1.0.

Its ranking by relevance is a correlated subquery that runs the whole MATCH again for every
matching page: at 100,000 items, an editor's admin search for "health" (27,000 titles) did not
finish in 20 s. Here the scores are read in one pass and the page of results is ranked from them
(`RankedOnceResults`), in the same order.

Other databases get modelsearch's backend unchanged.
"""

from functools import cache

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_search_backend


def _best_first(allowed, scores: dict[str, float]) -> list:
    """The allowed primary keys in modelsearch's order: score ascending (FTS5's bm25 is lower
    for better matches), then the higher key first (two stable sorts: any kind of key)."""
    return sorted(sorted(allowed, reverse=True), key=lambda pk: scores[str(pk)])


@cache
def _scalable_sqlite_backend_class():
    """Built once, on first use: modelsearch asks for a backend on every save. Imported here
    because the SQLite module registers models that exist only on SQLite."""
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteFTSIndexEntry,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    class SQLiteIndexWithoutPerSaveNorms(SQLiteIndex):
        def _refresh_title_norms(self, full=False):
            if full:
                super()._refresh_title_norms(full=True)

    class RankedOnce:
        """A query compiler that can read every match's score in one statement."""

        def matching(self, config):
            """The matching index entries with their scores, from the same MATCH and rank
            expressions modelsearch's `search` builds; None when it would not rank (nothing to
            match, a negated query, or another order asked for)."""
            if not self.order_by_relevance:
                return None
            query = normalize(self.query)
            if isinstance(query, MatchAll | Not):
                return None
            match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
            return (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model))
                .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            )

        def scores(self, matching) -> dict[str, float]:
            """Each matching object's id (as modelsearch stores it, text) and score."""
            scores: dict[str, float] = {}
            for object_id, score in matching.values_list("index_entry__object_id", "score"):
                # modelsearch's subquery takes any one entry of an object; the best is as good.
                scores[object_id] = min(score, scores.get(object_id, score))
            return scores

    class RankedOnceSearchQueryCompiler(RankedOnce, SQLiteSearchQueryCompiler):
        pass

    class RankedOnceAutocompleteQueryCompiler(RankedOnce, SQLiteAutocompleteQueryCompiler):
        pass

    class RankedOnceResults(SQLiteSearchResults):
        """Results ranked from one pass over the matches' scores: the pages the search may show
        (modelsearch's queryset, filtered by the matches as its own count does), sorted by score
        in Python, and only the requested page's objects read. Counts and facets are modelsearch's
        own, which never needed the scores."""

        def _do_search(self):
            compiler = self.query_compiler
            matching = compiler.matching(compiler.get_config(self.backend))
            if matching is None:
                return super()._do_search()
            scores = compiler.scores(matching)
            queryset = compiler.queryset
            # As modelsearch filters: the ids as a subquery (a list of 27,000 would pass SQLite's
            # limit on parameters); FTS5 reads the matching ids again without scoring them.
            allowed = queryset.filter(pk__in=matching.values("index_entry__object_id")).values_list("pk", flat=True)
            page = _best_first(allowed, scores)[self.start : self.stop]
            objects = queryset.in_bulk(page)
            found = [objects[pk] for pk in page if pk in objects]
            if self._score_field:
                for obj in found:
                    setattr(obj, self._score_field, scores[str(obj.pk)])
            return found

    class ScalableSQLiteSearchBackend(SQLiteSearchBackend):
        index_class = SQLiteIndexWithoutPerSaveNorms
        query_compiler_class = RankedOnceSearchQueryCompiler
        autocomplete_query_compiler_class = RankedOnceAutocompleteQueryCompiler
        results_class = RankedOnceResults

    return SQLiteSearchBackend, ScalableSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks a backend module up by)
    backend = database_search_backend(params)
    if connection.vendor != "sqlite":
        return backend
    sqlite_backend, scalable_backend = _scalable_sqlite_backend_class()
    if not isinstance(backend, sqlite_backend):  # SQLite without FTS5: the fallback
        return backend
    return scalable_backend(params)
