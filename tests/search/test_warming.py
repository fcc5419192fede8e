"""After an editor publishes, the task that applied the index update brings the recent searches'
cached values up to date and shares them: the next reader of those searches, in any process,
gets the new results without a full-text read on its request."""

import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.engines.bitsets import SHARED, clause_sets, facet_indexes, ranked_lists, related_lists
from search.query import SearchQuery, parse_text


def another_process():
    for cache in (clause_sets, ranked_lists, related_lists, facet_indexes):
        cache.clear()


def titles(engine, text: str) -> list[str]:
    query = SearchQuery(text=text, page_size=20)
    return [hit.title for hit in engine.search(query, parse_text(query.text)).hits]


def test_a_reader_after_a_publication_finds_the_recent_searches_brought_up_to_date(engine, corpus, committed):
    if engine.name != "database":
        pytest.skip("only the database engine keeps caches of its own")
    assert "Hand hygiene audits on surgical wards" in titles(engine, "hygiene audits")
    page = corpus["hygiene"]
    page.title = "Hand hygiene audits on surgical and maternity wards"
    with committed():
        page.save_revision().publish()  # the index update's task runs after the commit, then warms

    another_process()  # a reader in a process that has not searched since
    with CaptureQueriesContext(connection) as queries:
        warmed = titles(engine, "hygiene audits")
    assert [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]] == []
    assert "Hand hygiene audits on surgical and maternity wards" in warmed

    another_process()
    caches[SHARED].clear()
    assert titles(engine, "hygiene audits") == warmed


def test_a_failure_to_warm_never_fails_the_index_update(engine, corpus, committed, monkeypatch, caplog):
    def broken(self, seconds=60.0):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(engine), "warm", broken)
    page = corpus["hygiene"]
    page.title = "Hand hygiene audits, second year"
    with committed():
        page.save_revision().publish()
    assert "Could not warm the search caches" in caplog.text
    assert "Hand hygiene audits, second year" in titles(engine, "hygiene audits")


def test_search_index_update_warms_the_recent_searches_too(engine, corpus):
    if engine.name != "database":
        pytest.skip("only the database engine keeps caches of its own")
    titles(engine, "hygiene audits")
    page = corpus["hygiene"]
    page.title = "Hand hygiene audits, applied by the command"
    page.save_revision().publish()  # not committed: the queue waits for the operator's command
    call_command("search_index", "update", stdout=io.StringIO())

    another_process()
    with CaptureQueriesContext(connection) as queries:
        found = titles(engine, "hygiene audits")
    assert [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]] == []
    assert "Hand hygiene audits, applied by the command" in found
