"""The database engine's in-memory sets: what they answer must equal what a plain scan answers,
on both paths each takes (small and large sets, narrow and broad filters), and a change to the
index must reach every process's copy through the version token."""

import datetime
import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search.engines import version
from search.engines.bitsets import FacetIndex, Members, clause_sets, facet_indexes, from_ids, ids_of, ranked_lists
from search.engines.database import DatabaseEngine
from search.engines.ranked import RankedWindow
from search.query import SearchQuery, parse_text

pytestmark = pytest.mark.django_db


def test_sets_round_trip_and_answer_membership():
    rng = random.Random(3)
    ids = sorted(rng.sample(range(200_000), 5_000))
    bits = from_ids(ids)
    assert list(ids_of(bits)) == ids
    assert bits.bit_count() == len(ids)
    members = Members(bits)
    assert all(pk in members for pk in ids[:500])
    assert not any(pk in members for pk in set(range(0, 300_000, 7)) - set(ids))
    assert from_ids([]) == 0 and list(ids_of(0)) == []


@pytest.mark.parametrize("size", [50, 5_000])  # below and above the size where the date order is walked
def test_date_order_pages_equal_a_sort_of_the_set(size):
    rng = random.Random(size)
    newest = rng.sample(range(1, 20_000), 10_000)
    oldest = newest[::-1]
    index = FacetIndex("t", oldest=oldest, everything=from_ids(newest))
    index.sort_key = {pk: (place, pk) for place, pk in enumerate(oldest)}
    chosen = rng.sample(newest, size)
    expected = sorted(chosen, key=newest.index)
    bits = from_ids(chosen)
    for offset in (0, 10, size - 5):
        assert index.in_date_order(bits, 10, offset) == expected[offset : offset + 10]
        assert index.in_date_order(bits, 10, offset, oldest_first=True) == expected[::-1][offset : offset + 10]


def document(pk: int, *, words: str, country: str, year: int) -> dict:
    return {
        "id": pk,
        "type": "case-study",
        "title": f"Item {pk}",
        "summary": words,
        "body": words,
        "language": "en",
        "url": f"/items/{pk}/",
        "publication_date": datetime.date(year, 1, 1 + pk % 28).isoformat(),
        "year": year,
        "focus_areas": [],
        "countries": [country],
        "regions": [],
        "partnership": "",
        "partnership_title": "",
        "tags": [],
        "version": str(pk),
    }


@pytest.fixture
def engine():
    return sixty_documents()


def words_of(pk: int) -> str:
    return " ".join(["sterilisation"] * (1 + pk % 5) + ["autoclave", "ward"] * (pk % 3))


def sixty_documents() -> DatabaseEngine:
    """Sixty documents with "sterilisation" (more often in some), a country each, over six years."""
    engine = DatabaseEngine()
    engine.rebuild(
        [
            engine.prepare(
                document(
                    pk,
                    words=words_of(pk),
                    country="ML" if pk % 30 == 1 else "KE",
                    year=2018 + pk % 6,
                )
            )
            for pk in range(1, 61)
        ],
        lambda n: None,
    )
    return engine


def ranked_ids(engine, page_size=60, page=1, **filters) -> list[int]:
    query = SearchQuery(text="sterilisation", page_size=page_size, page=page, **filters)
    return [hit.id for hit in engine.search(query, parse_text(query.text)).hits]


@pytest.mark.parametrize(
    "filters, allowed",
    [
        ({"countries": ("ML",)}, lambda pk: pk % 30 == 1),  # 2 of 60: handed to the full-text query
        ({"countries": ("KE",)}, lambda pk: pk % 30 != 1),  # 58 of 60: ranked, then kept
        ({"year_from": 2020, "year_to": 2021}, lambda pk: 2018 + pk % 6 in (2020, 2021)),
    ],
)
def test_a_filter_keeps_the_unfiltered_ranking_of_the_items_it_allows(engine, filters, allowed):
    everything = ranked_ids(engine)
    assert len(everything) == 60
    assert everything != sorted(everything) and everything != sorted(everything, reverse=True)  # by relevance
    expected = [pk for pk in everything if allowed(pk)]
    assert ranked_ids(engine, **filters) == expected
    assert ranked_ids(engine, page_size=10, page=2, **filters) == expected[10:20]


def test_counts_and_facets_equal_a_count_of_the_documents(engine):
    query = SearchQuery(text="autoclave", countries=("KE",))
    results = engine.search(query, parse_text(query.text))
    with_word = [pk for pk in range(1, 61) if pk % 3]
    assert results.total == len([pk for pk in with_word if pk % 30 != 1])
    # The country facet ignores its own filter; the year facet applies it.
    countries = {f.value: f.count for f in results.facets["country"]}
    assert countries == {
        "KE": len([pk for pk in with_word if pk % 30 != 1]),
        "ML": len([pk for pk in with_word if pk % 30 == 1]),
    }
    years = {f.value: f.count for f in results.facets["year"]}
    assert sum(years.values()) == results.total
    assert years["2019"] == len([pk for pk in with_word if pk % 30 != 1 and 2018 + pk % 6 == 2019])


def test_a_change_to_the_index_reaches_a_copy_read_before_it(engine):
    query = SearchQuery(text="pasteurisation")
    assert engine.search(query, parse_text(query.text)).total == 0  # the sets are now cached
    token = version.current()
    engine.upsert([document(99, words="pasteurisation", country="ML", year=2024)])
    assert version.current() != token
    results = engine.search(query, parse_text(query.text))
    assert [hit.id for hit in results.hits] == [99]
    assert {f.value: f.count for f in results.facets["country"]} == {"ML": 1}
    engine.delete([99])
    assert engine.search(query, parse_text(query.text)).total == 0


def test_a_rolled_back_write_leaves_the_token_it_found(engine):
    token = version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.upsert([document(98, words="pasteurisation", country="ML", year=2024)])
        assert version.current() != token
        raise RuntimeError("rolled back")
    assert version.current() == token


def test_pages_past_the_first_window_of_ranked_ids_continue_the_ranking(engine, monkeypatch):
    monkeypatch.setattr("search.engines.database.RANKED_WINDOW", 20)
    everything = ranked_ids(engine)
    pages = [ranked_ids(engine, page_size=10, page=page) for page in range(1, 7)]
    assert [pk for page in pages for pk in page] == everything
    kenya = [pk for pk in everything if pk % 30 != 1]
    pages = [ranked_ids(engine, page_size=10, page=page, countries=("KE",)) for page in range(1, 7)]
    assert [pk for page in pages for pk in page] == kenya


def test_facet_sets_brought_up_to_date_from_the_change_log_equal_sets_read_afresh(engine):
    def search(text="sterilisation", **filters):
        query = SearchQuery(text=text, **filters)
        return engine.search(query, parse_text(query.text))

    search()  # this process now holds the sets
    held = facet_indexes.get(version.current())
    engine.upsert(
        [
            document(7, words="sterilisation", country="ML", year=2026),  # moves country and year
            document(200, words="sterilisation", country="SN", year=2010),  # new, oldest of all
        ]
    )
    engine.delete([8])
    results = search(countries=("SN",))
    assert [hit.id for hit in results.hits] == [200]
    assert {f.value: f.count for f in results.facets["country"]} == {"KE": 56, "ML": 3, "SN": 1}
    assert [hit.id for hit in search(sort="oldest", page_size=1).hits] == [200]
    assert [hit.id for hit in search(sort="newest", page_size=1).hits] == [7]

    state = version.current()
    updated, afresh = facet_indexes.get(state), FacetIndex.load(state)
    assert updated is not held and updated.state == state  # brought up to date, not read again
    assert updated.values == afresh.values
    assert updated.everything == afresh.everything
    assert updated.oldest == afresh.oldest and updated.sort_key == afresh.sort_key


def search_everything(engine, text="sterilisation"):
    query = SearchQuery(text=text, page_size=100)
    results = engine.search(query, parse_text(query.text))
    return [hit.id for hit in results.hits], results.total, {f.value: f.count for f in results.facets["country"]}


@pytest.mark.parametrize("few_lookups", [3, 0])  # SQLite: changed documents ranked one by one, or in one pass
def test_matches_and_rankings_brought_up_to_date_after_a_change_agree_with_those_computed_afresh(
    engine, monkeypatch, few_lookups
):
    monkeypatch.setattr("search.engines.database.RANKING_DRIFT", 1.0)  # sixty documents: allow carrying
    monkeypatch.setattr("search.engines.database.SET_LOOKUP_COST", 1)
    monkeypatch.setattr("search.engines.fulltext.SqliteFullText.FEW_LOOKUPS", few_lookups)
    before = search_everything(engine)[0]
    search_everything(engine, "autoclave")
    engine.upsert(
        [
            document(7, words=" ".join(["sterilisation"] * 5), country="ML", year=2026),  # moves up, loses autoclave
            document(200, words="sterilisation sterilisation autoclave", country="SN", year=2010),  # new
        ]
    )
    engine.delete([8])
    changed = {7, 8, 200}

    with CaptureQueriesContext(connection) as queries:
        carried = [search_everything(engine), search_everything(engine, "autoclave")]
    # Only the changed documents were looked up: no new ranking, no new read of every match.
    full_text = [q["sql"] for q in queries.captured_queries if "MATCH" in q["sql"] or "@@" in q["sql"]]
    assert full_text and all(" = " in sql or " IN (" in sql for sql in full_text)
    for cache in (clause_sets, ranked_lists, facet_indexes):
        cache.clear()
    afresh = [search_everything(engine), search_everything(engine, "autoclave")]

    for (carried_ids, *carried_counts), (afresh_ids, *afresh_counts) in zip(carried, afresh, strict=True):
        assert carried_counts == afresh_counts  # matches and facet counts are exact
        assert sorted(carried_ids) == sorted(afresh_ids)
    ids = carried[0][0]
    assert 8 not in ids and carried[0][2]["SN"] == 1
    assert 7 not in carried[1][0] and 200 in carried[1][0]
    # The changed documents stand where a fresh ranking puts them; the others keep the order of
    # the keys they were ranked by (a fresh ranking may swap near-ties: the average length moved).
    assert ids.index(7) == afresh[0][0].index(7) < 12 and ids.index(200) == afresh[0][0].index(200)
    assert [pk for pk in ids if pk not in changed] == [pk for pk in before if pk not in changed]


def test_a_ranking_is_computed_afresh_once_the_changes_exceed_its_drift_allowance(engine):
    search_everything(engine)  # sixty documents: one change is past 1% of the index
    engine.upsert([document(200, words="sterilisation " * 5, country="SN", year=2010)])
    with CaptureQueriesContext(connection) as queries:
        ids, total, _countries = search_everything(engine)
    assert [q for q in queries.captured_queries if "ORDER BY 2" in q["sql"]]
    assert total == 61 and ids[0] == 200


def window(*entries, size=4):
    """A RankedWindow from (id, key) pairs in rank order."""
    return RankedWindow.of(list(entries), size)


def test_a_carried_window_places_changed_documents_by_their_new_keys():
    held = window((1, -9.0), (2, -8.0), (3, -7.0), (4, -6.0))  # full: more matches below 4
    carried = held.carried({3, 5}, {3: -8.5, 5: -10.0})
    assert carried.ids == [5, 1, 3, 2] and not carried.complete and carried.drift == 2
    # A changed document now ranked below the window's last entry stays out: its place is unknown.
    assert held.carried({6}, {6: -1.0}).ids == [1, 2, 3, 4]


def test_a_carried_window_is_dropped_when_an_entry_leaves_a_full_window():
    held = window((1, -9.0), (2, -8.0), (3, -7.0), (4, -6.0))
    assert held.carried({2}, {}) is None  # what moves up into the window was never held
    assert held.carried({2}, {2: -1.0}) is None


def test_a_complete_window_stays_exact_as_it_grows_and_shrinks():
    held = window((1, -9.0), (2, -8.0), size=4)
    assert held.complete
    shrunk = held.carried({1}, {})
    assert shrunk.ids == [2] and shrunk.complete
    grown = held.carried({7, 8, 9}, {7: -7.0, 8: -8.5, 9: -1.0})
    assert grown.ids == [1, 8, 2, 7] and not grown.complete  # the window is full: 9 falls out
    tied = held.carried({5}, {5: -8.0})
    assert tied.ids == [1, 5, 2]  # equal keys: the higher id first, as the full-text query orders them


def test_a_narrow_filters_ranking_is_kept_and_follows_changes(engine, monkeypatch):
    monkeypatch.setattr("search.engines.database.RANKING_DRIFT", 1.0)  # sixty documents: allow carrying
    mali = ranked_ids(engine, countries=("ML",))  # 2 of 60: ranked by the full-text query among them
    assert sorted(mali) == [1, 31]

    def ranking_queries(**filters):
        with CaptureQueriesContext(connection) as queries:
            found = ranked_ids(engine, **filters)
        return found, [q for q in queries.captured_queries if "ORDER BY 2" in q["sql"]]

    assert ranking_queries(countries=("ML",)) == (mali, [])  # kept
    engine.upsert([document(300, words="sterilisation", country="KE", year=2020)])  # outside the filter
    assert ranking_queries(countries=("ML",)) == (mali, [])  # carried: nothing to rank again
    engine.upsert([document(301, words="sterilisation " * 5, country="ML", year=2020)])
    found, _queries = ranking_queries(countries=("ML",))
    assert found[0] == 301 and found[1:] == mali
