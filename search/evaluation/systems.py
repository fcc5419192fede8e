"""The rankings measured: an engine through the site's own search service, on an index built for
the occasion, and the plain BM25 baseline."""

import tempfile
import uuid
from pathlib import Path

from django.test import override_settings

from search.engines import get_engine
from search.query import SearchQuery
from search.service import find
from search.synonyms import forget_synonyms

from .baseline import PlainBM25
from .judged import JudgedQuery
from .report import K, SystemRun, run_system

# Hits the baseline reads to keep K distinct items (an item has at most four language versions).
BASELINE_VERSIONS = 4


def run_engine(name: str, queries: list[JudgedQuery], documents: list[dict], slugs: dict[int, str]) -> SystemRun:
    """Index `documents` with engine `name` in an index of its own (a temporary tantivy folder, or a
    fresh Elasticsearch prefix deleted afterwards), then run every query through `service.find`."""
    with tempfile.TemporaryDirectory(prefix="eval-index-") as folder:
        overrides = {"SEARCH_ENGINE": name, "SEARCH_INDEX_DIR": Path(folder) / "index"}
        if name == "elasticsearch":
            overrides["SEARCH_INDEX_PREFIX"] = f"eval-{uuid.uuid4().hex[:8]}"
        with override_settings(**overrides):
            get_engine.cache_clear()
            forget_synonyms()
            engine = get_engine()
            try:
                engine.rebuild([engine.prepare(document) for document in documents], lambda n: None)

                def search(text: str) -> tuple[list[str], int]:
                    results = find(SearchQuery(text=text, page_size=K), suggest=False)
                    return [slugs[hit.id] for hit in results.hits], results.total

                return run_system(name, queries, search)
            finally:
                if name == "elasticsearch":
                    prefix = overrides["SEARCH_INDEX_PREFIX"]
                    engine.client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)
                get_engine.cache_clear()


def run_baseline(queries: list[JudgedQuery], documents: list[dict], slugs: dict[int, str]) -> SystemRun:
    baseline = PlainBM25(documents)

    def search(text: str) -> tuple[list[str], int]:
        # Every version of an item is indexed (translations share their slug), and the site shows
        # each item once: so does the baseline, or an item would count twice in its DCG.
        ids, total = baseline.search(text, K * BASELINE_VERSIONS)
        return list(dict.fromkeys(slugs[pk] for pk in ids))[:K], total

    return run_system(PlainBM25.name, queries, search)
