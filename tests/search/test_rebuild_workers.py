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
from tantivy import Query

from search.engines.tantivy_engine import TantivyEngine
from tests.factories import make_case_study, make_lesson, make_partnership, make_testimonial

ROOT = Path(__file__).resolve().parents[2]
STORED = ("id", "type", "title", "summary", "body", "url", "publication_date", "countries", "version")


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


def manage(database_url: str, index: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ELASTICSEARCH"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "SEARCH_ENGINE": "tantivy",
        "SEARCH_INDEX_DIR": str(index),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def committed_library(library, tmp_path):
    """A library of 30 items of every kind over three partnerships, committed where another
    process can read it: the test database itself on PostgreSQL, a file copy of SQLite's
    in-memory one. Returns that database's URL."""
    for n in range(3):
        partnership = make_partnership(library, title=f"Partnership {n} for laboratory quality", slug=f"p-{n}")
        for i in range(4):
            make_case_study(
                partnership, title=f"Sterilisation audit {n}.{i} in the théâtre", summary=f"Audit {i}", body=RICH_BODY
            )
            make_lesson(partnership, title=f"Lesson {n}.{i} on hand hygiene")
        for i in range(2):
            make_testimonial(partnership, title=f"A nurse's view {n}.{i}")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        database = tmp_path / "library.sqlite3"
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{database}"
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )


def stored_documents(folder: Path) -> list[dict]:
    """What the index in `folder` holds, as a reader sees it: every document's stored fields."""
    engine = TantivyEngine(folder)
    searcher = engine.folder.searcher()
    hits = searcher.search(Query.all_query(), limit=max(1, searcher.num_docs)).hits
    documents = [searcher.doc(address).to_dict() for _score, address in hits]
    return sorted(({name: document.get(name) for name in STORED} for document in documents), key=lambda d: d["id"])


# Committed, so that another process sees the items; the pages migrations made come back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_build_the_same_index_as_one_process(committed_library, tmp_path):
    url = committed_library
    shared = manage(url, tmp_path / "by-workers", "search_index", "rebuild", "--workers", "2", "--no-progress")
    assert shared.returncode == 0, shared.stderr[-3000:]
    assert "Indexed 30 items" in shared.stdout and "documents built by 2 worker processes" in shared.stdout
    check = manage(url, tmp_path / "by-workers", "search_index", "check", "--workers", "2", "--no-progress")
    assert check.returncode == 0 and "matches the database" in check.stdout, check.stdout + check.stderr[-3000:]

    single = manage(url, tmp_path / "by-one", "search_index", "rebuild", "--workers", "1", "--no-progress")
    assert single.returncode == 0, single.stderr[-3000:]
    assert "documents built in this process" in single.stdout

    by_workers, by_one = stored_documents(tmp_path / "by-workers"), stored_documents(tmp_path / "by-one")
    assert len(by_workers) == 30
    assert any("Autoclave cycles logged daily & checked." in (d["body"] or [""])[0] for d in by_workers)
    assert by_workers == by_one


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
def test_the_database_engine_s_tables_are_gone_after_migrating():
    """Migration 0010 removed the retired engine's documents, vocabulary and full-text tables."""
    tables = set(connection.introspection.table_names())
    assert {"search_searchsynonym", "search_indexqueueentry"} <= tables
    retired = {
        "search_fts",
        "search_fts_title",
        "search_searchdocument",
        "search_searchterm",
        "search_searchfacetvalue",
    }
    assert not tables & retired
