"""`make bench`'s command: where it refuses to run, and how it keeps docs/PERFORMANCE.md."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.benchmark.measure import Timing
from search.benchmark.report import Report


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
    assert "| 30.0 | 30.0 | < 50 | 14 |" in thousand and "40.0" not in thousand
    assert "| 140 | 140 | < 50 | 14 |" in text


def test_percentiles_and_capped_samples_read_as_users_expect():
    timing = Timing("t", [i / 1000 for i in range(1, 101)])
    assert timing.median == pytest.approx(50.5)
    assert timing.p95 == pytest.approx(95.0, abs=1)
    assert Timing("empty").p95 != Timing("empty").p95  # NaN: nothing measured, nothing claimed


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
def test_an_item_published_mid_run_reaches_the_index_and_the_report_says_so(one_of_each, settings):
    from search.benchmark.measure import publish_an_item
    from search.engines import get_engine, version

    settings.SEARCH_ENGINE = "database"  # what `make bench` measures until it measures tantivy
    get_engine.cache_clear()

    page = one_of_each["case_study"]
    before = version.current()
    seconds = publish_an_item(page)
    assert version.current() != before  # the searches timed after it see a new state of the index
    report = Report(1000, 1, command="make bench ITEMS=1000")
    report.publication = (page.title, seconds)
    said = f"Publishing one item (“{page.title}”) through Wagtail, its index update and the warming of recent searches"
    assert said in report.markdown()
