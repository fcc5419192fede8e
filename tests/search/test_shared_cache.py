"""What one process of the site ranked, the others read from the shared search cache: a worker
that starts (or the worker that did not answer a search first) must give the same results
without ranking every match again, follow publications and rebuilds, and still answer when the
shared cache cannot be used."""

import io
import logging

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from search.engines import get_engine
from search.engines.bitsets import (
    RECIPES,
    SHARED,
    FacetIndexes,
    clause_sets,
    facet_indexes,
    ranked_lists,
    related_lists,
    shared_values,
)
from search.engines.database import DatabaseEngine
from tests.search.test_bitsets import document, search_everything, sixty_documents, words_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    return sixty_documents()


def another_process():
    """What a newly started process holds: nothing of its own, the shared cache as it is."""
    for cache in (clause_sets, ranked_lists, related_lists, facet_indexes):
        cache.clear()


def full_text_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]]


def test_another_process_answers_from_what_the_first_ranked(engine):
    first = [search_everything(engine), search_everything(engine, "autoclave ward")]
    another_process()
    with CaptureQueriesContext(connection) as queries:
        second = [search_everything(engine), search_everything(engine, "autoclave ward")]
    assert second == first
    assert full_text_reads(queries) == []  # no match read, no ranking


def test_without_the_shared_cache_another_process_ranks_again(engine):
    """The test above can fail: this is what a process pays when nothing is shared."""
    first = search_everything(engine)
    another_process()
    caches[SHARED].clear()
    with CaptureQueriesContext(connection) as queries:
        assert search_everything(engine) == first
    assert any("ORDER BY" in sql for sql in full_text_reads(queries))  # ranked again


def test_another_process_carries_a_shared_ranking_across_a_publication(engine, monkeypatch):
    monkeypatch.setattr("search.engines.database.RANKING_DRIFT", 1.0)  # sixty documents: allow carrying
    monkeypatch.setattr("search.engines.database.SET_LOOKUP_COST", 1)
    search_everything(engine)
    another_process()
    engine.upsert([document(7, words="sterilisation " * 9, country="ML", year=2026)])
    with CaptureQueriesContext(connection) as queries:
        carried = search_everything(engine)
    # Brought up to date from the shared entry: the changed document looked up, nothing ranked.
    assert full_text_reads(queries) and all(" = " in sql or " IN (" in sql for sql in full_text_reads(queries))
    another_process()
    caches[SHARED].clear()
    afresh = search_everything(engine)
    assert carried[1:] == afresh[1:]
    assert carried[0].index(7) == afresh[0].index(7) < 5


def test_a_rebuild_is_never_answered_from_the_old_index(engine):
    assert search_everything(engine, "autoclave")[1] == 40
    engine.rebuild([engine.prepare(document(pk, words="autoclave", country="KE", year=2020)) for pk in (3, 5)], print)
    another_process()
    ids, total, countries = search_everything(engine, "autoclave")
    assert (sorted(ids), total, countries) == ([3, 5], 2, {"KE": 2})


def test_related_items_are_shared_too(engine):
    engine.upsert([document(pk, words="cholera vaccine cold chain", country="SN", year=2024) for pk in (300, 301)])
    first = engine.more_like_this(300)
    assert first == [301]
    another_process()
    with CaptureQueriesContext(connection) as queries:
        assert engine.more_like_this(300) == first
    assert full_text_reads(queries) == []


def test_a_shared_cache_that_cannot_be_used_costs_speed_not_the_search(engine, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(shared_values, "_failed", False)
    expected = search_everything(engine)
    another_process()
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("in the way")
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        SHARED: {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(not_a_directory)},
    }
    with override_settings(CACHES=broken), caplog.at_level(logging.DEBUG, logger="search.engines.bitsets"):
        assert search_everything(engine) == expected
        another_process()
        assert search_everything(engine) == expected
    # Said once, not on every search of a site whose cache folder is not writable.
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "shared search cache could not be" in warnings[0].getMessage()
    assert len(caplog.records) > 1
    assert not_a_directory.read_text() == "in the way"


def facet_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "search_searchfacetvalue" in q["sql"]]


def test_after_a_rebuild_every_process_reads_the_facet_sets_the_rebuild_shared(engine):
    engine.warm()  # what `search_index rebuild` does once the new index is committed
    another_process()
    with CaptureQueriesContext(connection) as queries:
        ids, total, countries = search_everything(engine)
    assert facet_reads(queries) == []
    assert total == 60 and countries == {"KE": 58, "ML": 2}


def test_a_process_brings_the_shared_facet_sets_up_to_date_after_a_publication(engine):
    engine.warm()
    engine.upsert([document(7, words="sterilisation", country="SN", year=2026)])
    another_process()
    with CaptureQueriesContext(connection) as queries:
        carried = search_everything(engine)
    # The changed document's facet rows alone were read.
    assert facet_reads(queries) and all("WHERE document_id IN" in sql for sql in facet_reads(queries))
    another_process()
    caches[SHARED].clear()
    assert carried == search_everything(engine)
    assert carried[2] == {"KE": 57, "ML": 2, "SN": 1}


def test_the_rebuild_command_says_it_warmed_the_index(library, one_of_each, settings):
    settings.SEARCH_ENGINE = "database"
    get_engine.cache_clear()
    out = io.StringIO()
    call_command("search_index", "rebuild", "--workers", "1", stdout=out)
    assert "Then read the facet sets every process shares and warmed 0 of 0 recent searches in" in out.getvalue()
    another_process()
    with CaptureQueriesContext(connection) as queries:
        assert search_everything(DatabaseEngine(), "Bamako")[1] >= 1
    assert facet_reads(queries) == []


def rebuilt(engine):
    """The same sixty documents indexed afresh, as `search_index rebuild` does before warming."""
    engine.rebuild(
        [engine.prepare(document(pk, words=words_of(pk), country="KE", year=2020)) for pk in range(1, 61)], print
    )


def test_after_a_rebuild_the_searches_asked_before_it_are_warmed(engine):
    search_everything(engine)
    search_everything(engine, "autoclave ward")
    rebuilt(engine)
    assert engine.warm().endswith("warmed 5 of 5 recent searches")  # 3 clauses' sets, 2 rankings
    another_process()
    with CaptureQueriesContext(connection) as queries:
        warmed = [search_everything(engine), search_everything(engine, "autoclave ward")]
    assert full_text_reads(queries) == [] and facet_reads(queries) == []
    another_process()
    caches[SHARED].clear()
    assert warmed == [search_everything(engine), search_everything(engine, "autoclave ward")]
    assert warmed[0][2] == {"KE": 60}  # the new index's facets, not the old one's


def test_warming_stops_when_its_time_is_up_and_skips_what_it_cannot_read(engine, caplog):
    search_everything(engine)
    rebuilt(engine)
    assert engine.warm(seconds=0).endswith("warmed 0 of 2 recent searches")
    shared_values.set(
        SHARED, RECIPES, {("ranked", "not clauses", True): None, **dict.fromkeys(shared_values.recipes())}
    )
    with caplog.at_level(logging.WARNING):
        assert engine.warm().endswith("warmed 2 of 3 recent searches")
    assert "could not read" in caplog.text


def test_the_most_recent_searches_are_warmed_first_and_only_so_many_are_kept(db, monkeypatch):
    monkeypatch.setattr("search.engines.bitsets.WARM_RECIPES", 3)
    for recipe in ["a", "b", "c", "a", "d"]:
        shared_values.remember(SHARED, recipe)
    assert shared_values.recipes() == ["d", "a", "c"]


def test_values_another_version_of_the_code_shared_are_not_read(engine, monkeypatch):
    """During a deploy the old code's processes and the new one's share the cache."""
    first = search_everything(engine)
    monkeypatch.setattr(shared_values, "_code", "another version")
    another_process()
    with CaptureQueriesContext(connection) as queries:
        assert search_everything(engine) == first
    assert full_text_reads(queries) and facet_reads(queries)


def test_after_a_publication_a_process_brings_its_own_facet_sets_up_to_date(engine, monkeypatch):
    """Its own copy is a few lookups away; the shared one costs a read of every set (100 ms)."""
    engine.warm()
    search_everything(engine)
    engine.upsert([document(7, words="sterilisation", country="SN", year=2026)])
    read = []
    reading = shared_values.get
    monkeypatch.setattr(shared_values, "get", lambda alias, key: read.append(key) or reading(alias, key))
    assert search_everything(engine)[2] == {"KE": 57, "ML": 2, "SN": 1}
    assert read and FacetIndexes.SHARED_KEY not in read


def test_warming_keeps_the_order_in_which_searches_were_asked(engine):
    for text in ("ward", "autoclave", "sterilisation"):
        search_everything(engine, text)
    asked = shared_values.recipes()
    engine.upsert([document(7, words="sterilisation ward", country="SN", year=2026)])
    assert engine.warm().endswith(f"warmed {len(asked)} of {len(asked)} recent searches")
    assert shared_values.recipes() == asked


def test_with_search_cache_database_the_values_are_shared_through_a_table(engine):
    """SEARCH_CACHE=database: what several machines of one site share."""
    table = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        SHARED: {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "search_cache", "TIMEOUT": None},
    }
    with override_settings(CACHES=table):
        call_command("createcachetable", verbosity=0)
        first = [search_everything(engine), search_everything(engine, "autoclave ward")]
        another_process()
        with CaptureQueriesContext(connection) as queries:
            assert [search_everything(engine), search_everything(engine, "autoclave ward")] == first
        assert full_text_reads(queries) == [] and facet_reads(queries) == []
        assert any("search_cache" in q["sql"] for q in queries.captured_queries)
