"""The tantivy engine's folder: generations switched atomically, one writer, damaged indexes.

What users see of the engine is tests/search/test_behaviour.py (parametrised over every engine);
these tests are about the index on disk, with real indexes in temporary folders.
"""

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import tantivy
from django.core.management import call_command
from django.core.management.base import CommandError

from search.engines import EngineUnavailable, get_engine
from search.engines.tantivy_engine import TantivyEngine, Vocabulary
from search.engines.tantivy_folder import POINTER
from search.engines.tantivy_schema import Analysers, schema_fields
from search.indexing import drain
from search.models import IndexQueueEntry
from search.query import SearchQuery, parse_text
from search.variants import american, joined_forms
from tests.factories import make_case_study

ROOT = Path(__file__).resolve().parents[2]


def document(pk: int, title: str, **fields) -> dict:
    """A search document as search/documents.py builds one."""
    return {
        "id": pk,
        "type": "case-study",
        "title": title,
        "summary": fields.pop("summary", ""),
        "body": fields.pop("body", ""),
        "language": fields.pop("language", "en"),
        "url": f"/library/item-{pk}/",
        "publication_date": "2024-01-01",
        "year": 2024,
        "focus_areas": [],
        "countries": [],
        "regions": [],
        "partnership": "",
        "partnership_title": "",
        "tags": [],
        "readers": ["en", "fr", "pt", "es"],
        "version": fields.pop("version", f"v{pk}"),
        **fields,
    }


def titles(engine: TantivyEngine, text: str = "") -> list[str]:
    return [hit.title for hit in engine.search(SearchQuery(text=text, page_size=50), parse_text(text)).hits]


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "index-under-test"


@pytest.fixture
def engine(folder) -> TantivyEngine:
    engine = TantivyEngine(folder, writer_wait=5)
    engine.upsert([document(1, "Oxygen concentrators"), document(2, "Solar fridges for vaccines")])
    return engine


def generations(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.is_dir()}


# The folder and its generations


def test_the_first_write_creates_the_index_and_a_pointer_names_it(folder, engine):
    assert (folder / POINTER).read_text().strip() in generations(folder)
    assert sorted(titles(engine)) == ["Oxygen concentrators", "Solar fridges for vaccines"]
    assert engine.indexed_versions() == {1: "v1", 2: "v2"}


def test_a_rebuild_fills_a_new_folder_readers_see_the_old_index_until_the_switch(folder, engine):
    reader = TantivyEngine(folder)  # another process's engine
    assert len(titles(reader)) == 2
    before = (folder / POINTER).read_text().strip()
    seen_while_building = []

    def documents():
        yield document(3, "Sputum transport by motorbike")
        seen_while_building.append(sorted(titles(reader)))  # half-built: one document in the new folder
        yield document(4, "Partograph use on night shifts")

    engine.rebuild(documents(), lambda n: None)
    assert seen_while_building == [["Oxygen concentrators", "Solar fridges for vaccines"]]
    after = (folder / POINTER).read_text().strip()
    assert after != before and generations(folder) == {before, after}  # the previous one is kept
    assert sorted(titles(reader)) == ["Partograph use on night shifts", "Sputum transport by motorbike"]

    engine.rebuild([document(5, "Blood bank stock cards")], lambda n: None)
    assert before not in generations(folder)  # older than the previous: removed
    assert titles(reader) == ["Blood bank stock cards"]


def test_a_failed_rebuild_leaves_the_live_index_serving_and_no_folder_behind(folder, engine):
    live = generations(folder)

    def documents():
        yield document(3, "Half a rebuild")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(documents(), lambda n: None)
    assert generations(folder) == live
    assert len(titles(engine)) == 2


def test_another_process_sees_a_commit_within_a_second(folder, engine):
    reader = TantivyEngine(folder)
    assert len(titles(reader)) == 2
    engine.upsert([document(3, "Mentoring midwives in Gondar")])
    deadline = time.monotonic() + 1.0
    while "Mentoring midwives in Gondar" not in titles(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Mentoring midwives in Gondar" in titles(reader)


def test_an_update_replaces_the_item_and_a_delete_removes_it(engine):
    engine.upsert([document(1, "Oxygen concentrators in the paediatric ward", version="v1b")])
    assert sorted(titles(engine)) == ["Oxygen concentrators in the paediatric ward", "Solar fridges for vaccines"]
    engine.delete([2])
    assert engine.indexed_versions() == {1: "v1b"}


# One writer


def _hold_tantivy_writer(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding tantivy's own writer lock on the live generation."""
    code = textwrap.dedent(
        f"""
        import time, tantivy
        index = tantivy.Index.open({str(path)!r})
        writer = index.writer(heap_size=15_000_000, num_threads=1)
        print("locked", flush=True)
        time.sleep({seconds})
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_writer_waits_for_the_first_and_loses_nothing(folder, engine):
    holder = _hold_tantivy_writer(folder / (folder / POINTER).read_text().strip(), 1.0)
    started = time.monotonic()
    engine.upsert([document(3, "Cold chain for oxytocin")])
    assert time.monotonic() - started > 0.3  # it waited for the lock
    holder.wait()
    assert "Cold chain for oxytocin" in titles(engine)


def test_writers_of_this_site_take_turns(folder, engine):
    others = [TantivyEngine(folder, writer_wait=10) for _ in range(3)]
    failures = []

    def write(other, n):
        try:
            other.upsert([document(10 + n, f"Item number {n}")])
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=write, args=(other, n)) for n, other in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(TantivyEngine(folder).indexed_versions()) == {1, 2, 10, 11, 12}  # as a new process reads it


def test_a_writer_that_waited_too_long_leaves_the_update_in_the_queue(
    folder, settings, partnership, django_capture_on_commit_callbacks
):
    settings.SEARCH_ENGINE, settings.SEARCH_INDEX_DIR = "tantivy", folder
    get_engine.cache_clear()
    try:
        get_engine().rebuild([], lambda n: None)
        get_engine().folder.writer_wait = 0.2
        holder = _hold_tantivy_writer(folder / (folder / POINTER).read_text().strip(), 2.0)
        with django_capture_on_commit_callbacks(execute=True):  # the drain after the commit fails
            item = make_case_study(partnership, title="Pharmacy stock-outs in Kayes")
        entry = IndexQueueEntry.objects.get(page_id=item.pk)
        assert entry.attempts == 1 and "locked" in entry.last_error
        holder.wait()
        assert drain() == (1, 0)
        assert titles(get_engine(), "kayes") == ["Pharmacy stock-outs in Kayes"]
    finally:
        get_engine.cache_clear()


def test_a_writer_killed_mid_write_leaves_the_last_commit_readable(folder, engine):
    code = textwrap.dedent(
        f"""
        import django
        django.setup()
        from search.engines.tantivy_engine import TantivyEngine
        from tests.search.test_tantivy import document
        engine = TantivyEngine({str(folder)!r})
        engine.upsert([document(100, "Committed before the crash")])
        print("committed", flush=True)
        with engine.folder.writer() as writer:
            from search.engines.tantivy_schema import to_tantivy
            for n in range(1_000_000):
                writer.add_document(to_tantivy(document(200 + n, "Never committed")))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert child.stdout.readline().strip() == "committed"
    time.sleep(0.5)  # writing, uncommitted
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert "Committed before the crash" in titles(engine)
    assert "Never committed" not in titles(engine)
    engine.upsert([document(3, "Written after the crash")])  # the dead writer's locks went with it
    assert "Written after the crash" in titles(engine)


# A missing or damaged index: search answers 503 with words, `check` says what to run


def _check() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("search_index", "check", "--no-progress", "--workers", "1", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def site_engine(folder, settings, db):
    settings.SEARCH_ENGINE, settings.SEARCH_INDEX_DIR = "tantivy", folder
    get_engine.cache_clear()
    yield
    get_engine.cache_clear()


def test_without_an_index_search_answers_503_and_check_lists_what_is_missing(client, site_engine, partnership):
    item = make_case_study(partnership, title="Hand hygiene audits")  # no commit: not indexed
    for url in ("/api/search/", "/search/", "/api/search/autocomplete/"):
        response = client.get(url, {"q": "hygiene"})
        assert response.status_code == 503, url
    assert "search" in client.get("/api/search/", {"q": "hygiene"}).json()["error"].lower()
    assert client.get(partnership.url).status_code == 200  # the rest of the site works
    code, output = _check()
    assert code == 1 and f"1 missing: {item.pk}" in output and "search_index update" in output


@pytest.mark.parametrize("damage", ["meta.json", "pointer", "segments"])
def test_a_damaged_index_answers_503_check_says_rebuild_and_rebuild_mends_it(
    client, site_engine, folder, partnership, damage
):
    item = make_case_study(partnership, title="Hand hygiene audits")
    get_engine().rebuild([document(item.pk, "Hand hygiene audits")], lambda n: None)
    generation = folder / (folder / POINTER).read_text().strip()
    if damage == "meta.json":
        (generation / "meta.json").write_text("{not json")
    elif damage == "pointer":
        (folder / POINTER).write_text("../../etc\n")
    else:
        for path in generation.iterdir():
            if path.suffix in (".idx", ".store", ".term"):
                path.unlink()
    get_engine.cache_clear()  # a process that starts after the damage

    response = client.get("/api/search/", {"q": "hygiene"})
    assert response.status_code == 503
    code, output = _check()
    assert code == 1 and "search_index rebuild" in output

    out = io.StringIO()
    call_command("search_index", "rebuild", "--no-progress", "--workers", "1", stdout=out)
    assert [hit["title"] for hit in client.get("/api/search/", {"q": "hygiene"}).json()["results"]] == [
        "Hand hygiene audits"
    ]
    assert _check()[0] == 0


def test_an_index_built_with_other_fields_answers_503_until_update_rebuilds_it(
    client, site_engine, folder, partnership, caplog
):
    """After an upgrade that changes the index's fields: search says so (the rest of the site
    works), `check` says to rebuild, and `update` (what `make setup` and a deployment run) does."""
    item = make_case_study(partnership, title="Hand hygiene audits")
    builder = tantivy.SchemaBuilder()  # an earlier version's index: its own, fewer fields
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=True)
    name = "gen-20250101T000000000000-0123abcd"
    (folder / name).mkdir(parents=True)
    old = tantivy.Index(builder.build(), path=str(folder / name))
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()
    (folder / POINTER).write_text(name + "\n")
    get_engine.cache_clear()

    response = client.get("/api/search/", {"q": "hygiene"})
    assert response.status_code == 503 and "unavailable" in response.json()["error"]
    assert "earlier version of the site" in caplog.text  # the operator's log says why
    assert client.get(partnership.url).status_code == 200
    code, output = _check()
    assert code == 1 and "earlier version" in output and "search_index rebuild" in output

    out = io.StringIO()
    call_command("search_index", "update", "--no-progress", "--workers", "1", stdout=out)
    assert "Rebuilding it now" in out.getvalue() and "Indexed 1 items" in out.getvalue()
    hits = client.get("/api/search/", {"q": "hygiene"}).json()["results"]
    assert [hit["title"] for hit in hits] == [item.title]
    assert _check()[0] == 0


def test_search_index_dir_defaults_to_a_folder_in_the_project_kept_out_of_git():
    from config.settings import base

    assert base.SEARCH_INDEX_DIR == ROOT / "search-index" or "SEARCH_INDEX_DIR" in os.environ
    assert "/search-index/" in (ROOT / ".gitignore").read_text().splitlines()


def test_an_unknown_engine_name_is_refused_at_start_up():
    env = {**os.environ, "SEARCH_ENGINE": "solr", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SEARCH_ENGINE" in result.stderr


def test_engine_unavailable_is_what_a_missing_folder_raises(tmp_path):
    engine = TantivyEngine(tmp_path / "nowhere")
    with pytest.raises(EngineUnavailable, match="search_index rebuild"):
        engine.search(SearchQuery(text="x"), parse_text("x"))
    assert engine.indexed_versions() == {}
    engine.delete([1])  # nothing to remove: no error, and no index created
    assert not (tmp_path / "nowhere" / POINTER).exists()


# Proximity rescores the best matches only (Elasticsearch's rescore window)


def page_ids(engine: TantivyEngine, text: str, page: int, page_size: int) -> list[int]:
    query = SearchQuery(text=text, page=page, page_size=page_size)
    return [hit.id for hit in engine.search(query, parse_text(text)).hits]


def test_proximity_reorders_the_window_and_every_page_after_it_follows_in_score_order(folder, monkeypatch):
    monkeypatch.setattr("search.engines.tantivy_engine.PROXIMITY_WINDOW", 6)
    engine = TantivyEngine(folder, writer_wait=5)
    # The same words in both texts (the same score by words alone), standing apart or together.
    apart = "hand washing training began in march while hygiene"
    together = "hand hygiene washing training began in march while"
    filler = " ward"
    # Items n and 10 + n are equally long: the longer, the lower they score.
    engine.upsert(
        [document(n, f"Report {n}", body=apart + filler * n) for n in range(1, 11)]
        + [document(10 + n, f"Report {10 + n}", body=together + filler * n) for n in range(1, 11)]
    )
    everything = page_ids(engine, "hand hygiene", 1, 20)
    assert sorted(everything) == list(range(1, 21))
    # The window holds the six best by words alone (the three shortest of each kind), words
    # together first; after it, the order by words alone, where proximity no longer counts.
    assert everything[:6] == [11, 12, 13, 1, 2, 3]
    assert everything[6:8] in ([14, 4], [4, 14])
    # Pages walk the same order: no item twice, none missing, across the window's edge.
    pages = [pk for page in range(1, 6) for pk in page_ids(engine, "hand hygiene", page, 4)]
    assert pages == everything


def test_a_phrase_as_written_ranks_above_its_inflected_forms_by_rescoring_the_window(folder, monkeypatch):
    """A phrase typed as items write it (ASCII, no item writing it with accents) is matched in
    the stemmed fields alone; the folded fields add their score to the best matches only."""
    engine = TantivyEngine(folder, writer_wait=5)
    older = {"publication_date": "2019-05-01", "year": 2019}
    engine.upsert(
        # The same stems everywhere (`patient safeti`): by them alone the newer items come first.
        [document(n, f"Report {n}", body="Our patient safety rounds.", **older) for n in (1, 2, 3)]
        + [document(n, f"Report {n}", body="Our patients safety rounds.") for n in (4, 5, 6)]
    )
    text = '"patient safety"'
    results = engine.search(SearchQuery(text=text), parse_text(text))
    assert results.total == 6
    assert [hit.id for hit in results.hits] == [3, 2, 1, 6, 5, 4]  # as written first
    # Past the window, the order by stems alone, as Elasticsearch's rescore leaves it.
    monkeypatch.setattr("search.engines.tantivy_engine.PROXIMITY_WINDOW", 4)
    assert page_ids(engine, text, 1, 10) == [3, 6, 5, 4, 2, 1]
    assert [pk for page in range(1, 4) for pk in page_ids(engine, text, page, 2)] == [3, 6, 5, 4, 2, 1]


def test_a_phrase_in_the_body_is_read_from_its_neighbouring_stems_and_finds_only_its_words_together(folder):
    """The body's stemmed field keeps no positions: its phrases are read from the pairs of
    neighbouring stems (Elasticsearch's `index_phrases`). A phrase of three words needs its
    pairs side by side, not merely present: `community health` and `health workers` apart are
    not `community health workers`."""
    engine = TantivyEngine(folder, writer_wait=5)
    engine.upsert(
        [
            document(1, "Report 1", body="Our community health workers visit every village."),
            document(2, "Report 2", body="The community health team met the health workers."),
            document(3, "Report 3", body="A community health worker visits each household."),  # inflected
            document(4, "Report 4", body="Workers of community health."),
        ]
    )
    fields = {field["name"]: field["options"].get("indexing") for field in schema_fields(engine.schema)}
    assert fields["body_en"]["record"] == "freq" and fields["body_pairs_en"]["record"] == "position"
    assert sorted(page_ids(engine, '"community health workers"', 1, 10)) == [1, 3]
    assert sorted(page_ids(engine, '"health workers"', 1, 10)) == [1, 2, 3]
    assert sorted(page_ids(engine, '"workers community"', 1, 10)) == []
    counted = engine.search(SearchQuery(text='"health workers"'), parse_text('"health workers"'))
    assert counted.total == 3 and sum(count.count for count in counted.facets["language"]) == 3


@pytest.mark.parametrize("language", ["en", "fr", "pt", "es"])
def test_a_body_analysed_word_by_word_gives_the_stems_its_analyser_gives_the_whole_text(language):
    """The body's stems are made word by word, each distinct word once: the same stems, in the
    same order, as the language's analyser reading the text with American spellings, whatever
    stands between the words (underscores, apostrophes, combining accents, digits, long tokens)."""
    analysers = Analysers()
    texts = [
        "The organisation's haemorrhage audits: colour-coded, centre_based, 2024's cohort.",
        "Hôpitaux d’Abidjan : qualité des données, l'hygiène des mains, ŒUVRE cœur x² ½",
        "Cafe\u0301 e\u0301tude\tagentes comunitários de saúde\n" + "x" * 45 + " após organisations",
        "",
    ]
    for text in texts:
        assert analysers.american_stems(text, language) == analysers.stemmed(american(text), language), text


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Stock-outs fell; the roll-out of COVID-19 and stock-outs again.", "Stockouts rollout COVID19 stockouts"),
        ("-leading and trailing- hyphens, a -- b, mid-", ""),
        ("bloc-opératoire, anti-VIH/sida, x_y-z, 2019-2020", "blocopératoire antiVIH yz 20192020"),
        ("-hand-rub-", "handrub"),
    ],
)
def test_hyphenated_words_are_found_whole_from_their_first_letter(text, joined):
    assert joined_forms(text) == joined


def test_equal_scores_list_the_newer_item_first_then_the_higher_id_as_elasticsearch_sorts(folder):
    engine = TantivyEngine(folder, writer_wait=5)
    same = "Oxygen concentrators for district hospitals."
    engine.upsert(
        [
            document(3, "Oxygen plants", body=same, publication_date="2021-05-01", year=2021),
            document(7, "Oxygen plants", body=same, publication_date="2023-05-01", year=2023),
            document(5, "Oxygen plants", body=same, publication_date="2023-05-01", year=2023),
            document(9, "Oxygen plants", body=same, publication_date="2019-05-01", year=2019),
        ]
    )
    engine.upsert([document(3, "Oxygen plants", body=same, publication_date="2021-05-01", year=2021)])  # a new segment
    assert page_ids(engine, "oxygen", 1, 10) == [7, 5, 3, 9]


def test_items_with_every_word_come_first_and_pages_walk_across_them_to_the_others(folder, monkeypatch):
    """The page reads the items matching every word from the conjunction alone and the others
    only when it reaches past them: the order and the count are those of one ranked list."""
    monkeypatch.setattr("search.engines.tantivy_engine.PROXIMITY_WINDOW", 2)  # pages past it read tiers themselves
    engine = TantivyEngine(folder, writer_wait=5)
    every = "oxygen plants for district hospitals"
    two = ["oxygen plants in the capital", "oxygen for district clinics", "plants and district roads"]
    engine.upsert(
        [document(n, f"Report {n}", body=every + " ward" * n) for n in range(1, 4)]
        + [document(10 + n, f"Report {10 + n}", body=two[n % 3] + " ward" * n) for n in range(1, 7)]
        + [document(30, "Report 30", body="oxygen only")]
    )
    text = "oxygen plants district"

    def ids(page: int, page_size: int, minimum: int = 2) -> tuple[int, list[int]]:
        results = engine.search(SearchQuery(text=text, page=page, page_size=page_size), parse_text(text), minimum)
        return results.total, [hit.id for hit in results.hits]

    total, everything = ids(1, 20)
    assert total == 9  # item 30 holds one word of three
    assert everything[:3] == [1, 2, 3]  # every word, the shortest first
    assert sorted(everything[3:]) == list(range(11, 17))
    # Pages of two cross the edge between the tiers: no item twice, none missing, the same order.
    pages = [pk for page in range(1, 6) for pk in ids(page, 2)[1]]
    assert pages == everything
    assert ids(5, 2) == (9, [everything[8]])
    assert ids(1, 20, minimum=3) == (3, [1, 2, 3])


def test_a_run_of_equal_scores_longer_than_what_is_read_ahead_is_ordered_across_pages(folder, monkeypatch):
    monkeypatch.setattr("search.engines.tantivy_engine.TIES_AHEAD", 1)
    monkeypatch.setattr("search.engines.tantivy_engine.PROXIMITY_WINDOW", 2)
    engine = TantivyEngine(folder, writer_wait=5)
    same = "Oxygen concentrators for district hospitals."
    engine.upsert([document(pk, "Oxygen plants", body=same) for pk in (4, 9, 2)])
    engine.upsert([document(pk, "Oxygen plants", body=same) for pk in (8, 1, 6, 3)])  # another segment
    newest_first = [9, 8, 6, 4, 3, 2, 1]  # one date: the higher id first
    assert page_ids(engine, "oxygen", 1, 10) == newest_first
    assert [pk for page in range(1, 5) for pk in page_ids(engine, "oxygen", page, 2)] == newest_first


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("securite", {1, 2}),  # typed without accents: item 1 writes `sécurité`, stemmed `secur`
        ("sécurité", {1, 2}),  # typed with them: item 2 writes `securite`, stemmed `securit`
        ('"securite des patients"', {1, 2}),
        ('"sécurité des patients"', {1, 2}),
        ("maternité", {2}),  # typed with accents no item writes: `maternite` stems to `maternit`, this to `matern`
        ("patient safety", {3, 4}),  # no item writes these words with accents: counted from the stemmed fields
        ('"patient safety"', {3}),
        ("patients", {1, 2, 3, 4}),
        ("hygiene", {5, 6}),  # item 5 writes `hygiène`, which stems as `hygiene` does: counted from the stemmed fields
        ('"hand hygiene"', {6}),
    ],
)
def test_counts_and_facets_count_exactly_the_items_the_results_list(folder, text, found):
    """The counts are read with a cheaper query than the page (without the folded fields where the
    stemmed ones find the same items): whatever the accents typed or written, they agree."""
    engine = TantivyEngine(folder, writer_wait=5)
    engine.upsert(
        [
            document(1, "La sécurité des patients au bloc", language="fr", type="lesson"),
            document(2, "La securite des patients en maternite", language="fr"),
            document(3, "Patient safety walk-rounds"),
            document(4, "Safety checks for patients", type="lesson"),
            document(5, "L'hygiène des mains au bloc", language="fr", type="lesson"),
            document(6, "Hand hygiene rounds"),
        ]
    )
    results = engine.search(SearchQuery(text=text), parse_text(text))
    assert {hit.id for hit in results.hits} == found
    assert results.total == len(found)
    assert sum(option.count for option in results.facets["type"]) == len(found)


def test_a_word_is_looked_up_stemmed_as_every_item_writes_it(folder):
    engine = TantivyEngine(folder, writer_wait=5)
    engine.upsert(
        [
            document(1, "La sécurité des patients", language="fr"),
            document(2, "L'Hygiène des mains", language="fr"),
            document(3, "Hand hygiene and patient safety"),
        ]
    )
    vocabulary = Vocabulary(engine.folder.searcher(), engine.analysers)
    # `sécurité` stems to `secur` in French, `securite` as typed to `securit`: both are asked.
    assert vocabulary.stems("securite", "fr") == ["securit", "secur"]
    assert vocabulary.stems("hygiene", "fr") == ["hygien"]  # `hygiène` and `hygiene` stem alike
    assert vocabulary.stems("safety", "en") == ["safeti"]  # written without accents only
    assert engine.search(SearchQuery(text="hygiene"), parse_text("hygiene")).total == 2
    assert engine.search(SearchQuery(text="securite"), parse_text("securite")).total == 1


def test_an_item_ranks_no_higher_for_each_inflection_the_vocabulary_lists(folder):
    """Synonyms listing a word's inflections (`infirmier`, `infirmiers`, ...) share their stems:
    an item holding them is scored for those stems once, as if one form were listed."""
    engine = TantivyEngine(folder, writer_wait=5)
    engine.upsert(
        [
            document(1, "Infirmiers et infirmières au bloc", language="fr", body="Les infirmiers du bloc."),
            document(2, "Nurses on the surgical ward", body="Nurses and their ward."),
        ]
    )

    def ranked(forms: list[str]) -> list[int]:
        parsed = parse_text("nurses", {("nurses",): [(form,) for form in forms]})
        return [hit.id for hit in engine.search(SearchQuery(text="nurses"), parsed).hits]

    one = ranked(["infirmier"])
    assert one == [2, 1]  # the word typed weighs more than its synonym
    assert ranked(["infirmier", "infirmiers", "infirmière", "infirmières", "infirmieres"]) == one
