"""The database engine's in-memory sets: what they answer must equal what a plain scan answers,
on both paths each takes (small and large sets, narrow and broad filters), and a change to the
index must reach every process's copy through the version token."""

import datetime
import random

import pytest
from django.db import transaction

from search.engines import version
from search.engines.bitsets import FacetIndex, Members, facet_indexes, from_ids, ids_of
from search.engines.database import DatabaseEngine
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
    index.position = {pk: place for place, pk in enumerate(oldest)}
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
    """Sixty documents with "sterilisation" (more often in some), a country each, over six years."""
    engine = DatabaseEngine()
    engine.rebuild(
        [
            engine.prepare(
                document(
                    pk,
                    words=" ".join(["sterilisation"] * (1 + pk % 5) + ["autoclave", "ward"] * (pk % 3)),
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
    assert updated.oldest == afresh.oldest and updated.position == afresh.position
