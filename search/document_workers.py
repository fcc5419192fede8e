"""Search documents for every indexable item, built by worker processes.

Building a document (loading the page and its relations, Wagtail's searchable text) and the
engine's `prepare` (the database engine's analysis) are Python on one core, 4-5 ms an item: most
of a rebuild. Workers forked from this process each read a share of the items on their own
database connection while this process writes the index. A rebuild only reads the pages;
what is published meanwhile waits in the queue and is applied after it (search/indexing.py).

A test's database lives inside this process (SQLite in memory) or inside an open transaction,
which a forked process cannot see: there, and with one worker, documents are built here.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections

from knowledge.models import KnowledgeItemPage

from .documents import BATCH, indexable, iter_documents
from .engines import get_engine

CHUNK = BATCH // 2  # items a worker builds per task: small enough to keep every worker busy


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _prepared(document: dict):
    return get_engine().prepare(document)


def _version(document: dict) -> tuple[int, str]:
    return document["id"], document["version"]


TASKS = {"prepared": _prepared, "versions": _version}


def _build(task: str, ids: list[int]) -> list:
    """In a worker: `task` for each of these items' documents."""
    work = TASKS[task]
    return [work(document) for document in iter_documents(ids)]


def _can_fork() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods() or connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


class Built:
    """The results, and how many worker processes build them (1: this process)."""

    def __init__(self, results: Iterator, workers: int):
        self.results, self.workers = results, workers

    def __iter__(self) -> Iterator:
        return self.results


@contextmanager
def built_documents(task: str = "prepared", workers: int | None = None) -> Iterator[Built]:
    """Yields `task` for every indexable item's document ("prepared": what the engine's rebuild
    takes; "versions": (id, version)). Enter it before opening the transaction that consumes
    it: forking needs this process's connections closed."""
    workers = workers or usable_cores()
    if workers <= 1 or not _can_fork():
        yield Built(map(TASKS[task], iter_documents()), 1)
        return
    ids = list(indexable(KnowledgeItemPage.objects.all()).order_by("pk").values_list("pk", flat=True))
    # Several chunks per worker, so that a small library is spread over them as well.
    size = max(1, min(CHUNK, -(-len(ids) // (4 * workers))))
    chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
    workers = min(workers, max(1, len(chunks)))
    connections.close_all()  # each worker opens its own: a shared socket or file handle corrupts both
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield Built(_in_order(pool, task, chunks, ahead=2 * workers), workers)


def _in_order(pool, task: str, chunks: list[list[int]], ahead: int) -> Iterator:
    """Results chunk by chunk, with at most `ahead` chunks built and not yet consumed: a writer
    slower than the workers must not hold the whole library in memory."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(pool.apply_async(_build, (task, chunk)))
        if len(pending) >= ahead:
            yield from pending.popleft().get()
    while pending:
        yield from pending.popleft().get()
