"""Indexing that loses nothing: the durable queue, and `manage.py search_index rebuild|update|check`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from search.documents import build_document, iter_documents
from search.engines import get_engine
from search.models import IndexQueueEntry, IndexRebuild
from tests.factories import make_case_study, make_lesson

API = "/api/search/"


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("search_index", *args, "--no-progress", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def found(client, text: str) -> list[str]:
    return [hit["title"] for hit in client.get(API, {"q": text}).json()["results"]]


def test_check_reports_missing_stale_and_extra_items_and_update_mends_them(client, engine, partnership, committed):
    with committed():
        kept = make_case_study(partnership, title="Oxygen concentrators in the paediatric ward")
        stale = make_case_study(partnership, title="Solar fridges for vaccines")
        missing = make_case_study(partnership, title="Sputum transport by motorbike")
    assert run("check") == (0, f"The {engine.name} search index matches the database.\n")

    engine.delete([missing.pk])
    engine.upsert([{**_document_of(stale), "version": "old"}])
    engine.upsert([{**_document_of(kept), "id": 999_999, "title": "Ghost of a deleted item"}])
    code, output = run("check")
    assert code == 1
    assert f"1 missing: {missing.pk}" in output
    assert f"1 stale: {stale.pk}" in output
    assert "1 not live, still indexed: 999999" in output
    assert "search_index update" in output
    assert found(client, "sputum") == [] and found(client, "ghost") == ["Ghost of a deleted item"]

    code, output = run("update")
    assert code == 0 and "indexed 1 missing and 1 stale items, removed 1" in output
    assert run("check")[0] == 0
    assert found(client, "sputum") == ["Sputum transport by motorbike"] and found(client, "ghost") == []


def _document_of(page):
    return next(iter_documents([page.pk]))


def test_rebuild_indexes_everything_afresh(client, engine, partnership, committed):
    with committed():
        item = make_case_study(partnership, title="Mentoring midwives in Gondar")
    engine.delete([item.pk])
    assert found(client, "midwives") == []
    code, output = run("rebuild")
    assert code == 0 and f"Indexed 1 items with the {engine.name} engine" in output
    assert found(client, "midwives") == ["Mentoring midwives in Gondar"]


def test_updates_published_during_a_rebuild_wait_for_it_then_apply(client, engine, partnership, committed):
    IndexRebuild.objects.create(started_at=timezone.now())  # another process is rebuilding
    with committed():
        item = make_case_study(partnership, title="Blood bank stock cards")
    assert IndexQueueEntry.objects.filter(page_id=item.pk).exists()
    assert found(client, "blood bank") == []

    IndexRebuild.objects.all().delete()
    code, output = run("rebuild")
    assert code == 0 and not IndexQueueEntry.objects.exists()
    assert found(client, "blood bank") == ["Blood bank stock cards"]
    assert not IndexRebuild.objects.exists()


def test_a_rebuild_that_died_long_ago_does_not_hold_updates_back(client, engine, partnership, committed):
    IndexRebuild.objects.create(started_at=timezone.now() - timezone.timedelta(hours=7))
    with committed():
        make_case_study(partnership, title="Pharmacy stock-outs in Kayes")
    assert found(client, "kayes") == ["Pharmacy stock-outs in Kayes"]


def test_an_engine_that_is_down_delays_updates_and_loses_none(
    client, engine, partnership, committed, settings, unreachable_elasticsearch
):
    with committed():
        item = make_case_study(partnership, title="Cold chain for oxytocin")
        other = make_case_study(partnership, title="Partograph use on night shifts")
    with committed():
        other.unpublish()
    waiting = IndexQueueEntry.objects.filter(page_id__in=[item.pk, other.pk])
    assert waiting.count() == 2 and all(entry.attempts >= 1 for entry in waiting)
    assert run("update")[0] == 1  # the command says the engine is down and fails

    # The engine comes back (here: tantivy); the queue is applied, nothing lost.
    settings.SEARCH_ENGINE = "tantivy"
    get_engine.cache_clear()
    code, output = run("update")
    assert code == 0 and "Applied 2 queued updates" in output
    assert found(client, "oxytocin") == ["Cold chain for oxytocin"] and found(client, "partograph") == []
    assert not IndexQueueEntry.objects.exists()


@pytest.mark.parametrize("args", [("reindex",), ()])
def test_a_wrong_action_is_refused_with_the_choices(args):
    with pytest.raises(CommandError, match="rebuild|action"):
        call_command("search_index", *args)


def test_a_lesson_s_paragraphs_are_indexed_as_separate_words_with_entities_read(partnership):
    """Rich text keeps no space between paragraphs (`<p>…cold</p><p>Chain…`): the words either
    side of the break stay two words, as in a case study's rich text blocks."""
    lesson = make_lesson(
        partnership,
        context="<p>Vaccines stay cold</p><p>Chain of custody &amp; audits</p>",
        what_worked='<ul><li>Daily logs</li><li>A <a linktype="page" id="3">named</a> lead</li></ul>',
    )
    body = build_document(lesson)["body"]
    assert "Vaccines stay cold Chain of custody & audits" in body
    assert "Daily logs A named lead" in body


def test_a_document_built_alone_is_the_one_built_in_a_batch(partnership):
    """The rebuild reads the body, versions and relations of many items at once; a single update
    reads one item's: both give the same document (no item's relations given to another), so
    `search_index check` sees no change."""
    items = [
        make_case_study(
            partnership,
            title="Cold chain",
            countries=["ML", "SN"],
            tags=["vaccines", "Cold chain"],
            outcomes=[{"indicator": "Fridges working", "source": "Audit"}],
        ),
        make_lesson(partnership, title="Staff turnover", countries=["SN"]),
    ]
    batch = {document["id"]: document for document in iter_documents([item.pk for item in items])}
    for item in items:
        alone = build_document(item.specific)
        assert alone == batch[item.pk]
        assert alone["countries"] and alone["regions"] and alone["tags"] == sorted(alone["tags"])
    assert batch[items[0].pk]["countries"] == ["ML", "SN"] and len(batch[items[0].pk]["tags"]) == 2
