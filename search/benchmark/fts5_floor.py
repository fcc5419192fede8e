"""The raw FTS5 floor: what SQLite's full-text engine alone takes to rank ten ids by BM25.

The site no longer has FTS5 tables, so the benchmark builds its own, in a SQLite file of its own
under .bench/, from the same search documents the engine indexes: the title, weighted ten times
as the database engine weighted it, and the summary and body. One query per text: every word
required, ranked by `bm25()`, ten ids, nothing else (no facets, no highlights, no Django).
"""

import multiprocessing
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.db import connections

from knowledge.models import KnowledgeItemPage

from ..document_workers import usable_cores
from ..documents import indexable, iter_documents

TABLE = "floor"
RANK = f"bm25({TABLE}, 10.0, 1.0)"
WORD = re.compile(r"\w+")
BATCH = 1000


def build(path: Path, documents: Iterable[dict]) -> tuple[int, float]:
    """Write the table into a new file at `path`; returns (documents, seconds)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    started = time.perf_counter()
    database = sqlite3.connect(temporary)
    try:
        database.execute("PRAGMA journal_mode = OFF")
        database.execute("PRAGMA synchronous = OFF")
        database.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        count, rows = 0, []
        for document in documents:
            rows.append((document["id"], document["title"], f"{document['summary']}\n{document['body']}"))
            if len(rows) == BATCH:
                count += _insert(database, rows)
                rows = []
        count += _insert(database, rows)
        database.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")  # noqa: S608 (one segment, as after a rebuild)
        seconds = time.perf_counter() - started
        database.execute("CREATE TABLE built (documents INTEGER, seconds REAL)")
        database.execute("INSERT INTO built VALUES (?, ?)", [count, seconds])
        database.commit()
    finally:
        database.close()
    temporary.rename(path)
    return count, seconds


def recorded(path: Path) -> tuple[int, float]:
    """(documents, seconds) a built floor file was built with."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return database.execute("SELECT documents, seconds FROM built").fetchone()
    finally:
        database.close()


def build_from_corpus(path: Path, workers: int | None = None) -> tuple[int, float]:
    """The floor's table from this database's search documents, built by worker processes as a
    rebuild builds them (search.documents.iter_documents is the only code they share)."""
    return build(path, corpus_documents(workers))


def _texts(ids: list[int]) -> list[dict]:
    keep = ("id", "title", "summary", "body")
    return [{name: document[name] for name in keep} for document in iter_documents(ids)]


def corpus_documents(workers: int | None = None) -> Iterator[dict]:
    ids = list(indexable(KnowledgeItemPage.objects.all()).order_by("pk").values_list("pk", flat=True))
    chunks = [ids[start : start + 250] for start in range(0, len(ids), 250)]
    connections.close_all()  # each worker opens its own
    with multiprocessing.get_context("fork").Pool(workers or usable_cores()) as pool:
        for texts in pool.imap(_texts, chunks):
            yield from texts


def _insert(database: sqlite3.Connection, rows: list[tuple]) -> int:
    database.executemany(f"INSERT INTO {TABLE}(rowid, title, body) VALUES (?, ?, ?)", rows)  # noqa: S608
    return len(rows)


def expression(text: str) -> str:
    """Every word of the text, each quoted (no FTS5 syntax from the user), all required."""
    return " AND ".join(f'"{word}"' for word in WORD.findall(text.lower()))


class Floor:
    """A read-only connection to a built floor file, and one ranked query per text."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def query(self, text: str) -> Callable[[], list]:
        sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? ORDER BY {RANK} LIMIT 10"  # noqa: S608
        match = expression(text)
        return lambda: self.connection.execute(sql, [match]).fetchall()

    def close(self) -> None:
        self.connection.close()
