"""`make bench`'s command: where it refuses to run, and how it keeps docs/PERFORMANCE.md."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.benchmark.measure import Timing
from search.benchmark.report import Report
from search.query import SearchQuery, parse_text


@pytest.mark.django_db
def test_the_benchmark_refuses_any_database_but_its_own():
    with pytest.raises(CommandError, match="make bench"):
        call_command("benchmark", "--items", "10", "--load-seconds", "0")


def test_results_replace_only_their_own_size_and_keep_the_prose(tmp_path):
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n\nHow we measure.\n\n<!-- results -->\n\nThe end.\n")

    def report(items: int, median_seconds: float) -> Report:
        result = Report(items, 1, command=f"make bench ITEMS={items}")
        result.timings = [Timing("search API `/api/search/`", [median_seconds] * 3, queries=14)]
        return result

    report(1000, 0.040).write_into(path)
    report(10000, 0.140).write_into(path)
    report(1000, 0.030).write_into(path)
    text = path.read_text()
    assert text.startswith("# Performance\n\nHow we measure.") and text.rstrip().endswith("The end.")
    assert text.count("<!-- bench:1000 -->") == 1 and text.count("<!-- bench:10000 -->") == 1
    thousand = text.split("<!-- bench:1000 -->")[1].split("<!-- /bench:1000 -->")[0]
    assert "| 30.0 | 30.0 | 30.0 | < 20 | 14 |" in thousand and "40.0" not in thousand
    assert "| 140 | 140 | 140 | < 20 | 14 |" in text


def test_percentiles_and_capped_samples_read_as_users_expect():
    timing = Timing("t", [i / 1000 for i in range(1, 101)])
    assert timing.median == pytest.approx(50.5)
    assert timing.p95 == pytest.approx(95.0, abs=1)
    assert timing.max == pytest.approx(100.0)
    assert Timing("empty").p95 != Timing("empty").p95  # NaN: nothing measured, nothing claimed


def test_every_request_counts_each_searchs_first_request_with_its_repeats():
    timing = Timing("search API", [0.010] * 4, first=[0.050])
    every = timing.every_request("search API, every request")
    assert len(every.samples) == 5 and every.max == pytest.approx(50.0)
    assert timing.first_requests("first").samples == [0.050]
    report = Report(1000, 1, command="make bench ITEMS=1000")
    report.timings = [every, timing.first_requests("search API, each one's first request after the rebuild")]
    text = report.markdown()
    assert "| search API, every request (5 timed) | 10.0 | 50.0 | 50.0 | < 20 |" in text
    assert "| search API, each one's first request after the rebuild (1 timed) | 50.0 |" in text


def test_the_searches_answered_before_the_timed_ones_are_never_a_timed_text():
    from search.analysis import fold
    from search.benchmark.queries import other_searches, search_queries

    queries = search_queries()
    others = other_searches(queries)
    timed = {fold(params["q"]) for _kind, params in queries if "q" in params}
    assert "sterilisation" in timed  # also a judged query: it must not be asked before it is timed
    assert others and not {fold(params["q"]) for params in others} & timed
    assert {params["reader"] for params in others} == {"en", "fr", "pt", "es"}


def test_the_raw_fts5_floor_ranks_ten_ids_from_a_table_of_its_own(tmp_path):
    from search.benchmark import fts5_floor

    documents = [
        {"id": pk, "title": title, "summary": "", "body": body}
        for pk, title, body in [
            (1, "Hand hygiene audit", "hand hygiene in the wards"),
            (2, "Laboratory accreditation", "a hand-written register"),
            (3, "Hygiène des mains", "l'hygiène des mains à l'hôpital"),
        ]
    ]
    path = tmp_path / "floor.sqlite3"
    assert fts5_floor.build(path, documents)[0] == 3
    assert fts5_floor.recorded(path)[0] == 3
    floor = fts5_floor.Floor(path)
    try:
        assert floor.query("hand hygiene")() == [(1,)]
        assert floor.query("hygiene")() == [(1,), (3,)]  # accents folded, the title ranked first
        assert floor.query('"Hand" OR x')() == []  # the text's words, never FTS5 syntax
    finally:
        floor.close()


def test_the_engine_only_measurement_says_what_it_is(tmp_path):
    from search.benchmark import engine_bench

    work = tmp_path / "bench"  # tmp_path holds this test's own site index (tests/conftest.py)
    work.mkdir()
    result = engine_bench.measure(60, 1, 1, work, "test machine", "make bench-engine ITEMS=60", lambda _: None)
    text = result.markdown()
    assert "Engine only: 60 synthetic documents" in text and "no Django pages" in text
    assert "raw FTS5 `bm25()` query, 10 ids" in text
    assert "search (`engine.search`: facets, highlights), each one's first call (56 timed)" in text
    assert not list(work.iterdir())  # the index and the floor were in a temporary folder


def test_a_corpus_grows_from_the_largest_smaller_one_of_its_seed_and_code(tmp_path):
    from search.benchmark import corpus_cache

    def cached(items: int, seed: int, fingerprint: str, seconds: str) -> None:
        (tmp_path / f"corpus-{items}-seed{seed}-{fingerprint}.sqlite3").write_bytes(b"")
        (tmp_path / f"corpus-{items}-seed{seed}-{fingerprint}.seconds").write_text(seconds)

    cached(1000, 1, "abc", "166.0\n")  # the older format: the whole corpus in one run
    cached(10000, 1, "abc", "1200.5 9000\n")
    cached(20000, 2, "abc", "1.0 20000\n")  # another seed
    cached(50000, 1, "old", "1.0 50000\n")  # other code
    cached(200000, 1, "abc", "1.0 200000\n")  # larger
    wanted = tmp_path / "corpus-100000-seed1-abc.sqlite3"
    assert corpus_cache.smaller_corpus(wanted, 100000, 1).name == "corpus-10000-seed1-abc.sqlite3"
    assert corpus_cache.smaller_corpus(tmp_path / "corpus-500-seed1-abc.sqlite3", 500, 1) is None
    assert corpus_cache.recorded(tmp_path / "corpus-1000-seed1-abc.sqlite3") == (166.0, 1000)
    assert corpus_cache.recorded(tmp_path / "corpus-10000-seed1-abc.sqlite3") == (1200.5, 9000)


def test_a_corpus_is_built_by_one_process_at_a_time(tmp_path):
    import fcntl

    from search.benchmark import corpus_cache

    wanted = tmp_path / "corpus-100-seed1-abc.sqlite3"
    with wanted.with_suffix(".lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a build running in another process holds it
        with pytest.raises(CommandError, match="Another process is building corpus-100-seed1-abc"):
            corpus_cache.build(wanted, 100, 1)
    assert not wanted.with_suffix(".partial").exists()


@pytest.mark.django_db
def test_an_item_published_mid_run_reaches_the_index_and_the_report_says_so(one_of_each, settings, tmp_path):
    from search.benchmark.measure import publish_an_item
    from search.documents import iter_documents
    from search.engines import get_engine

    settings.SEARCH_ENGINE = "tantivy"  # what `make bench` measures
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    get_engine.cache_clear()
    try:
        get_engine().rebuild(list(iter_documents()), lambda n: None)
        page = one_of_each["case_study"]
        seconds = publish_an_item(page)
        hits = get_engine().search(SearchQuery(text="revised"), parse_text("revised")).hits
        assert [hit.id for hit in hits if "revised" in hit.summary] == [page.pk]
    finally:
        get_engine.cache_clear()
    report = Report(1000, 1, command="make bench ITEMS=1000")
    report.publication = (page.title, seconds)
    assert f"Publishing one item (“{page.title}”) through Wagtail, its index update included" in report.markdown()


def test_the_report_says_how_many_items_the_publishing_rate_was_timed_over():
    report = Report(100000, 1, command="make bench ITEMS=100000")
    report.load = (125.0, 1000, "built by an earlier run")
    text = report.markdown()
    assert "its first 1,000 items published through Wagtail and indexed in 125 s (8.0 items/s)" in text
    assert "the other 99,000 written in bulk to the same rows" in text
