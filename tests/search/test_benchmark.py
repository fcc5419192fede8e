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
