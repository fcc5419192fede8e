"""The engine a setting chooses (SEARCH_ENGINE): tantivy, embedded, or Elasticsearch."""

from functools import cache

from django.conf import settings

from .base import EngineResults, EngineUnavailable, FacetCount, Hit, SearchEngine, Suggestion

__all__ = ["EngineResults", "EngineUnavailable", "FacetCount", "Hit", "SearchEngine", "Suggestion", "get_engine"]


@cache
def get_engine() -> SearchEngine:
    if settings.SEARCH_ENGINE == "elasticsearch":
        from .elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine(
            url=settings.ELASTICSEARCH_URL,
            index_prefix=settings.SEARCH_INDEX_PREFIX,
            timeout=settings.SEARCH_TIMEOUT,
            indexing_timeout=settings.SEARCH_INDEXING_TIMEOUT,
            api_key=settings.ELASTICSEARCH_API_KEY,
        )
    from .tantivy_engine import TantivyEngine

    return TantivyEngine(settings.SEARCH_INDEX_DIR)
