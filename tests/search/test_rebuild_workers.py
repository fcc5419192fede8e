"""`search_index rebuild` with worker processes builds the same index as one process does.

Workers are forked and read the database on connections of their own, which a test's database
(SQLite in memory, inside a transaction) cannot offer; so the items made here are copied to a
file and the command runs as its own process, as an operator runs it.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_case_study, make_lesson, make_partnership, make_testimonial

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "documents": "SELECT id, type, title, body, url, publication_date, countries, version FROM search_searchdocument",
    "facets": "SELECT document_id, facet, value FROM search_searchfacetvalue",
    "vocabulary": "SELECT term, documents, length FROM search_searchterm",
}
FULL_TEXT = {
    "sqlite": {
        "full text": "SELECT rowid, title, body, stems FROM search_fts",
        "titles": "SELECT rowid, title FROM search_fts_title",
    },
    "postgresql": {"full text": "SELECT id, fts_surface::text, fts_stems::text FROM search_searchdocument"},
}


# Every kind of block that holds text, with the inline markup, entities and breaks editors write.
RICH_BODY = [
    {"type": "heading", "value": "Before & after"},
    {
        "type": "paragraph",
        "value": "<p>Autoclave <b>cycles</b> logged&nbsp;daily &amp; checked.</p><p>Second<br/>line</p>"
        '<ul><li>one</li><li>two</li></ul><h2>Results</h2><p><a href="https://example.org/?a=1&amp;b=2">'
        "the report</a> &lt;draft&gt;</p>",
    },
    {"type": "quote", "value": {"text": "Nobody skips the log now.", "attribution": "Ward sister, Kisumu"}},
    {
        "type": "table",
        "value": {
            "data": [["Indicator", "Before"], ["Failed cycles", "12 %"]],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
        },
    },
]


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ELASTICSEARCH"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "SEARCH_ENGINE": "database",  # these tests read the database engine's tables
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def committed_library(library, tmp_path):
    """A library of 30 items of every kind over three partnerships, committed where another
    process can read it: the test database itself on PostgreSQL, a file copy of SQLite's
    in-memory one. Returns that database's URL and a function reading its index tables."""
    for n in range(3):
        partnership = make_partnership(library, title=f"Partnership {n} for laboratory quality", slug=f"p-{n}")
        for i in range(4):
            make_case_study(
                partnership, title=f"Sterilisation audit {n}.{i} in the théâtre", summary=f"Audit {i}", body=RICH_BODY
            )
            make_lesson(partnership, title=f"Lesson {n}.{i} on hand hygiene")
        for i in range(2):
            make_testimonial(partnership, title=f"A nurse's view {n}.{i}")
    tables = {**TABLES, **FULL_TEXT[connection.vendor]}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        database = tmp_path / "library.sqlite3"
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)

        def index() -> dict[str, list[tuple]]:
            with sqlite3.connect(database) as db:
                return {name: sorted(db.execute(sql).fetchall()) for name, sql in tables.items()}

        return f"sqlite:///{database}", index

    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )

    def index() -> dict[str, list[tuple]]:
        with connection.cursor() as cursor:
            found = {}
            for name, sql in tables.items():
                cursor.execute(sql)
                found[name] = sorted(cursor.fetchall())
            return found

    return url, index


# Committed, so that another process sees the items; the pages migrations made come back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_build_the_same_index_as_one_process(committed_library):
    url, index = committed_library
    shared = manage(url, "search_index", "rebuild", "--workers", "2", "--no-progress")
    assert shared.returncode == 0, shared.stderr[-3000:]
    assert "Indexed 30 items" in shared.stdout and "documents built by 2 worker processes" in shared.stdout
    by_workers = index()
    check = manage(url, "search_index", "check", "--workers", "2", "--no-progress")
    assert check.returncode == 0 and "matches the database" in check.stdout, check.stdout + check.stderr[-3000:]

    single = manage(url, "search_index", "rebuild", "--workers", "1", "--no-progress")
    assert single.returncode == 0, single.stderr[-3000:]
    assert "documents built in this process" in single.stdout
    by_one = index()

    assert len(by_workers["documents"]) == 30
    assert any("theatre" in row[1] for row in by_workers["full text"])  # analysed: folded, accents gone
    for table, rows in by_workers.items():
        assert rows == by_one[table], table


@pytest.mark.django_db
@pytest.mark.parametrize("workers", ["0", "-1"])
def test_fewer_than_one_worker_is_refused_with_a_reason(workers):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--workers must be 1 or more") as refused:
        call_command("search_index", "rebuild", "--workers", workers)
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_a_case_study_s_text_is_what_wagtail_gives_for_search(partnership):
    from knowledge.models import CaseStudyPage
    from search.documents import _stream_text, _text

    page = make_case_study(partnership, body=RICH_BODY)
    wagtail = CaseStudyPage._meta.get_field("body").get_searchable_content(page.body)
    assert _stream_text(page) == [_text(str(part)) for part in wagtail]
    assert "Autoclave cycles logged daily & checked. Second line one two Results the report" in _stream_text(page)


@pytest.mark.django_db
def test_the_migration_to_a_table_without_prefixes_keeps_every_indexed_item(engine, one_of_each, client):
    """Migration 0009 on a database whose full-text table still has the old prefix indexes."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from search.documents import iter_documents
    from search.engines.fulltext import SqliteFullText

    if connection.vendor != "sqlite" or engine.name != "database":
        pytest.skip("only SQLite's full-text table had prefix indexes")
    engine.upsert(list(iter_documents()))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, title, body, stems FROM {SqliteFullText.TABLE} ORDER BY rowid")
        indexed = cursor.fetchall()
        cursor.execute(f"DROP TABLE {SqliteFullText.TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {SqliteFullText.TABLE} USING fts5(title, body, stems, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )
        cursor.executemany(
            f"INSERT INTO {SqliteFullText.TABLE}(rowid, title, body, stems) VALUES (%s, %s, %s, %s)", indexed
        )

    migration = importlib.import_module("search.migrations.0009_fulltext_without_prefixes")
    # What RunPython hands the function; SQLite's schema editor cannot open inside a test's transaction.
    migration.drop_prefixes(apps, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [SqliteFullText.TABLE])
        assert "prefix" not in cursor.fetchone()[0]
        cursor.execute(f"SELECT rowid, title, body, stems FROM {SqliteFullText.TABLE} ORDER BY rowid")
        assert cursor.fetchall() == indexed
    assert [hit["title"] for hit in client.get("/api/search/", {"q": "samples"}).json()["results"]] == [
        "A lab manager speaks"
    ]
