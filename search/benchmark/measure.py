"""Timings taken in-process, through Django's whole request stack (middleware, views, templates),
with the SQL each request runs counted. Every request is kept: each URL's first request (the
first time the engine is asked that search since the index changed) and its repeats, reported
together and apart."""

import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from ..documents import iter_documents
from ..engines import get_engine
from ..indexing import drain


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)  # seconds
    queries: int | None = None  # the most SQL queries one of the repeated requests made
    first_queries: int | None = None  # the most one of the first requests made
    capped: int = 0  # samples stopped at the time cap (their true time is longer)
    by_url: dict[str, list[float]] = field(default_factory=dict)  # repeated requests, per URL
    first: list[float] = field(default_factory=list)  # each URL's first request, not in `samples`
    first_by_url: dict[str, float] = field(default_factory=dict)

    def subset(self, name: str, urls: list[str]) -> "Timing":
        """The samples of some of the URLs, as a timing of its own."""
        return Timing(name, [sample for url in urls for sample in self.by_url[url]], self.queries)

    def first_requests(self, name: str) -> "Timing":
        return Timing(name, list(self.first), self.first_queries)

    def every_request(self, name: str) -> "Timing":
        """First requests and repeats together: every search counted."""
        counts = [count for count in (self.first_queries, self.queries) if count is not None]
        return Timing(name, [*self.first, *self.samples], max(counts) if counts else None)

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

    @property
    def max(self) -> float:
        return max(self.samples) * 1000 if self.samples else float("nan")


def url_with(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


class RequestTimer:
    def __init__(self, repeats: int):
        self.repeats = repeats
        self.client = Client(HTTP_HOST="127.0.0.1")

    def get(self, url: str) -> tuple[float, int]:
        connection.queries_log.clear()  # a full log would make the count read 0
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = self.client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed, len(queries)

    def time_urls(self, name: str, urls: list[str]) -> Timing:
        """Each URL's first request (kept apart), then `repeats` more, one URL after the other."""
        timing = Timing(name)
        counts, first_counts = set(), set()
        for url in urls:
            elapsed, queries = self.get(url)
            timing.first.append(elapsed)
            timing.first_by_url.setdefault(url, elapsed)
            first_counts.add(queries)
            for _ in range(self.repeats):
                elapsed, queries = self.get(url)
                timing.samples.append(elapsed)
                timing.by_url.setdefault(url, []).append(elapsed)
                counts.add(queries)
        timing.queries = max(counts) if counts else None
        timing.first_queries = max(first_counts) if first_counts else None
        return timing

    def time_once(self, name: str, urls: list[str]) -> Timing:
        """One request per URL (a first request, after something changed)."""
        timing = Timing(name)
        counts = set()
        for url in urls:
            elapsed, queries = self.get(url)
            timing.samples.append(elapsed)
            counts.add(queries)
        timing.queries = max(counts) if counts else None
        return timing


@contextmanager
def sqlite_time_cap(seconds: float, raw=None):
    """Interrupt any SQLite statement running past `seconds` (it raises OperationalError)."""
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    deadline = time.perf_counter() + seconds
    raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def time_capped(name: str, calls: list[Callable[[], object]], cap: float, repeats: int, raw=None) -> Timing:
    """Time each call `repeats` times (once if it hits the cap: it would again). `raw`: the
    sqlite3 connection the calls use, if not Django's."""
    timing = Timing(name)
    for call in calls:
        for _ in range(repeats):
            started = time.perf_counter()
            try:
                with sqlite_time_cap(cap, raw):
                    call()
            except (OperationalError, sqlite3.OperationalError):
                timing.samples.append(cap)
                timing.capped += 1
                break
            timing.samples.append(time.perf_counter() - started)
    return timing


def plain_wagtail_search(text: str) -> Callable[[], list]:
    """What a Wagtail site does out of the box: Page.objects.live().search(q), first ten."""
    return lambda: list(Page.objects.live().search(text)[:10])


def publish_an_item(page) -> float:
    """An editor's correction published as the admin's "Publish" does (a new revision, then the
    search index update it queues, which the immediate task backend applies at once); seconds
    until the search index has the new version."""
    engine = get_engine()
    before = engine.indexed_versions().get(page.pk)
    page.summary = f"{page.summary.rstrip('.')}; revised."
    started = time.perf_counter()
    page.save_revision().publish()
    drain()  # nothing left to do with the immediate backend; a queued backend's update lands here
    elapsed = time.perf_counter() - started
    expected = next(iter_documents([page.pk]))["version"]
    after = engine.indexed_versions().get(page.pk)
    if after == before or after != expected:
        raise RuntimeError(f"publishing {page.title!r} did not reach the search index")
    return elapsed


def resident_megabytes(pid: int | str = "self") -> float:
    """A process's resident memory (VmRSS), in MiB; NaN where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def index_bytes(folder: Path) -> int:
    """The live index's size on disk: the generation `current` names in a tantivy index folder."""
    pointer = folder / "current"
    live = folder / pointer.read_text().strip() if pointer.exists() else folder
    return sum(path.stat().st_size for path in live.rglob("*") if path.is_file())


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a gunicorn master's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found
