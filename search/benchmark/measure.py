"""Timings taken in-process, through Django's whole request stack (middleware, views, templates),
with the SQL each request runs counted. The first request of each URL warms caches and is kept
apart: the main figures are for a server that has been up for a while and sees a search again,
the first requests for one that sees each search for the first time since the index changed."""

import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from ..analysis import tokens
from ..engines.bitsets import clause_sets, facet_indexes, ranked_lists, related_lists
from ..engines.fulltext import SqliteFullText


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None
    capped: int = 0  # samples stopped at the time cap (their true time is longer)
    by_url: dict[str, list[float]] = field(default_factory=dict)
    first: list[float] = field(default_factory=list)  # each URL's first request, not in `samples`

    def subset(self, name: str, urls: list[str]) -> "Timing":
        """The samples of some of the URLs, as a timing of its own."""
        return Timing(name, [sample for url in urls for sample in self.by_url[url]], self.queries)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)


def url_with(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


class RequestTimer:
    def __init__(self, repeats: int):
        self.repeats = repeats
        self.client = Client(HTTP_HOST="127.0.0.1")

    def get(self, url: str) -> tuple[float, int, int]:
        connection.queries_log.clear()  # a full log would make the count read 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = self.client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed, len(queries), response.status_code

    def time_urls(self, name: str, urls: list[str]) -> Timing:
        timing = Timing(name)
        counts = set()
        for url in urls:
            timing.first.append(self.get(url)[0])  # warms the caches: kept apart
            for _ in range(self.repeats):
                elapsed, queries, _status = self.get(url)
                timing.samples.append(elapsed)
                timing.by_url.setdefault(url, []).append(elapsed)
                counts.add(queries)
        timing.queries = max(counts) if counts else None
        return timing


@contextmanager
def sqlite_time_cap(seconds: float):
    """Interrupt any SQLite statement running past `seconds` (it raises OperationalError)."""
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.perf_counter() + seconds
    raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def time_capped(name: str, calls: list[Callable[[], object]], cap: float, repeats: int) -> Timing:
    """Time each call `repeats` times (once if it hits the cap: it would again)."""
    timing = Timing(name)
    for call in calls:
        for _ in range(repeats):
            started = time.perf_counter()
            try:
                with sqlite_time_cap(cap):
                    call()
            except OperationalError:
                timing.samples.append(cap)
                timing.capped += 1
                break
            timing.samples.append(time.perf_counter() - started)
    return timing


def plain_wagtail_search(text: str) -> Callable[[], list]:
    """What a Wagtail site does out of the box: Page.objects.live().search(q), first ten."""
    return lambda: list(Page.objects.live().search(text)[:10])


def raw_fulltext_floor(text: str) -> Callable[[], list]:
    """The engine alone: one FTS5 query for the words, ranked, ten ids, nothing else."""
    expression = " AND ".join(f'"{word}"' for word in tokens(text))
    table = SqliteFullText.TABLE
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY {SqliteFullText.RANK} LIMIT 10"  # noqa: S608

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression])
            return cursor.fetchall()

    return run


def publish_an_item(page) -> float:
    """Publish a new revision of a live page as an editor's "Publish" does, and apply the search
    index update it queues, with the warming of recent searches that follows it (the immediate
    task backend has run both by then); seconds until searchable and warm."""
    from ..engines import version
    from ..indexing import drain

    before = version.current()
    started = time.perf_counter()
    page.save_revision().publish()
    drain()
    elapsed = time.perf_counter() - started
    if version.current() == before:
        raise RuntimeError(f"publishing {page.title!r} did not reach the search index")
    return elapsed


def start_a_new_process() -> None:
    """Forget what this process holds, as a gunicorn worker that starts holds nothing: its
    searches find only what the shared search cache keeps."""
    for cache in (clause_sets, ranked_lists, related_lists, facet_indexes):
        cache.clear()
