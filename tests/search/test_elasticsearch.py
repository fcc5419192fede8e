"""The Elasticsearch engine at the request level: the exact mappings and query bodies the real
client puts on the wire, how answers become results, and what users see when the cluster is
down. The behaviour suite runs live against a real cluster wherever ELASTICSEARCH_URL is set."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.engines import get_engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import IndexQueueEntry
from search.query import SearchQuery, parse_text
from tests.factories import make_case_study, make_partnership
from tests.search.recording_elasticsearch import RecordingServer

SURFACE = ["title^4", "summary^2", "body", "partnership_title", "tags"]
STEMMED = ["title.stemmed^4", "summary.stemmed^2", "body.stemmed"]
VERSIONED = r"esther-items-(en|fr|pt|es)-\d{20}"
# Facet name -> the keyword field it counts, as the mapping declares them.
FACET_FIELDS = {
    "type": "type",
    "focus_area": "focus_areas",
    "region": "regions",
    "country": "countries",
    "partnership": "partnership",
    "language": "language",
    "year": "year",
}


@pytest.fixture
def es():
    with RecordingServer() as recorder:
        yield recorder


@pytest.fixture
def engine(es):
    return ElasticsearchEngine(es.url, index_prefix="esther", timeout=2)


def document(pk: int, language: str = "en", **fields) -> dict:
    return {
        "id": pk,
        "type": "case-study",
        "title": f"Item {pk}",
        "summary": "A summary.",
        "body": "A body.",
        "language": language,
        "url": f"/library/p/item-{pk}/",
        "publication_date": "2020-05-01",
        "year": 2020,
        "focus_areas": ["health-policy"],
        "countries": ["KE"],
        "regions": ["africa"],
        "partnership": "p",
        "partnership_title": "P",
        "tags": [],
        "version": "v1",
        **fields,
    }


def search_answer(hits=(), total=None, buckets=None, suggest=None) -> dict:
    """What a cluster answers to the faceted search: hits, one filtered aggregation per facet."""
    aggregations = {
        f"_filter_{name}": {"doc_count": 0, name: {"buckets": (buckets or {}).get(name, [])}} for name in FACET_FIELDS
    }
    answer = {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 4, "successful": 4, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": len(hits) if total is None else total, "relation": "eq"}, "hits": list(hits)},
        "aggregations": aggregations,
    }
    if suggest:
        answer["suggest"] = suggest
    return answer


def hit(pk: int, **source) -> dict:
    body = {
        "id": pk,
        "title": f"Item {pk}",
        "url": f"/library/p/item-{pk}/",
        "type": "lesson",
        "summary": "S",
        "language": "en",
        "publication_date": "2021-06-01",
        "focus_areas": ["health-policy"],
        "countries": ["KE"],
        **source,
    }
    return {"_index": "esther-items-en-1", "_id": str(pk), "_score": 1.0, "_source": body}


# Mappings ------------------------------------------------------------------------------------

FRENCH_INDEX = {
    "settings": {
        "number_of_shards": 1,
        "auto_expand_replicas": False,
        "number_of_replicas": 0,
        "refresh_interval": "-1",
        "analysis": {
            "analyzer": {
                "folded": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["elision_fr", "lowercase", "asciifolding"],
                },
                "stemmed_fr": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["elision_fr", "lowercase", "stop_fr", "stemmer_fr", "asciifolding"],
                },
                "autocomplete": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["elision_fr", "lowercase", "asciifolding", "prefixes"],
                },
            },
            "filter": {
                "elision_fr": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
                },
                "stop_fr": {"type": "stop", "stopwords": "_french_"},
                "stemmer_fr": {"type": "stemmer", "language": "light_french"},
                "prefixes": {"type": "edge_ngram", "min_gram": 2, "max_gram": 20},
            },
        },
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "type": {"type": "keyword"},
            "title": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": "spelling",
                "fields": {
                    "stemmed": {"type": "text", "analyzer": "stemmed_fr"},
                    "autocomplete": {"type": "text", "analyzer": "autocomplete", "search_analyzer": "folded"},
                },
            },
            "summary": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": "spelling",
                "term_vector": "with_positions_offsets",
                "fields": {
                    "stemmed": {"type": "text", "analyzer": "stemmed_fr", "term_vector": "with_positions_offsets"}
                },
            },
            "body": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": "spelling",
                "term_vector": "with_positions_offsets",
                "fields": {
                    "stemmed": {"type": "text", "analyzer": "stemmed_fr", "term_vector": "with_positions_offsets"}
                },
            },
            "partnership_title": {"type": "text", "analyzer": "folded", "copy_to": "spelling"},
            "tags": {"type": "text", "analyzer": "folded", "fields": {"keyword": {"type": "keyword"}}},
            "spelling": {"type": "text", "analyzer": "folded"},
            "language": {"type": "keyword"},
            "url": {"type": "keyword", "index": False},
            "publication_date": {"type": "date", "format": "yyyy-MM-dd"},
            "year": {"type": "integer"},
            "focus_areas": {"type": "keyword"},
            "countries": {"type": "keyword"},
            "regions": {"type": "keyword"},
            "partnership": {"type": "keyword"},
            "version": {"type": "keyword"},
        },
    },
}

STEMMERS = {
    "en": ["possessive_en", "lowercase", "stop_en", "stemmer_en", "asciifolding"],
    "fr": ["elision_fr", "lowercase", "stop_fr", "stemmer_fr", "asciifolding"],
    "pt": ["lowercase", "stop_pt", "stemmer_pt", "asciifolding"],
    "es": ["lowercase", "stop_es", "stemmer_es", "asciifolding"],
}


def test_a_rebuild_creates_one_index_per_language_with_exact_mappings(es, engine):
    engine.rebuild([document(1, "en"), document(2, "fr")], lambda n: None)
    created = {re.fullmatch(VERSIONED, r.path[1:]).group(1): r.body for r in es.sent("PUT", "/" + VERSIONED)}
    assert set(created) == {"en", "fr", "pt", "es"}
    assert created["fr"] == FRENCH_INDEX
    for language, body in created.items():
        # The same fields everywhere; only the stemmed sub-fields speak the index's language.
        analyzer = body["settings"]["analysis"]["analyzer"][f"stemmed_{language}"]
        assert analyzer["filter"] == STEMMERS[language]
        assert body["mappings"]["properties"]["body"]["fields"]["stemmed"]["analyzer"] == f"stemmed_{language}"
        assert body["mappings"]["properties"].keys() == FRENCH_INDEX["mappings"]["properties"].keys()
    en = created["en"]["settings"]["analysis"]["filter"]
    assert en["stemmer_en"] == {"type": "stemmer", "language": "english"}
    assert en["possessive_en"] == {"type": "stemmer", "language": "possessive_english"}


def test_a_rebuild_fills_new_indexes_then_swaps_the_aliases_in_one_request(es, engine):
    es.answer(
        "GET",
        r"/_alias/esther-items-\*",
        {
            "esther-items-en-1": {"aliases": {"esther-items-en": {}, "esther-items": {}}},
            "esther-items-fr-1": {"aliases": {"esther-items-fr": {}, "esther-items": {}}},
        },
    )
    progress = []
    engine.rebuild([document(1, "en"), document(2, "fr"), document(3, "fr")], progress.append)
    assert sum(progress) == 3

    steps = [r.target for r in es.requests]
    version = re.search(r"-(\d{20})", steps[1]).group(1)
    new = {lang: f"esther-items-{lang}-{version}" for lang in ("en", "fr", "pt", "es")}
    together = ",".join(new.values())
    assert steps == [
        "GET /_alias/esther-items-*",
        *(f"PUT /{name}" for name in new.values()),
        "PUT /_bulk",
        f"PUT /{together}/_settings",
        f"POST /{together}/_refresh",
        "POST /_aliases",
        "DELETE /esther-items-en-1,esther-items-fr-1",
    ]
    bulk = es.sent("PUT", "/_bulk")[0].body
    assert bulk[0] == {"index": {"_index": new["en"], "_id": 1}} and bulk[1]["title"] == "Item 1"
    assert bulk[2] == {"index": {"_index": new["fr"], "_id": 2}}
    # Built without refreshes or replicas, then made live.
    assert es.sent("PUT", f"/{together}/_settings")[0].body == {"auto_expand_replicas": "0-1", "refresh_interval": "1s"}
    assert es.sent("POST", "/_aliases")[0].body == {
        "actions": [
            {"remove": {"index": "esther-items-en-1", "alias": "esther-items"}},
            {"remove": {"index": "esther-items-fr-1", "alias": "esther-items"}},
            {"remove": {"index": "esther-items-en-1", "alias": "esther-items-en"}},
            {"remove": {"index": "esther-items-fr-1", "alias": "esther-items-fr"}},
            *(
                action
                for lang, name in new.items()
                for action in (
                    {"add": {"index": name, "alias": "esther-items"}},
                    {"add": {"index": name, "alias": f"esther-items-{lang}", "is_write_index": True}},
                )
            ),
        ]
    }


def test_a_failed_rebuild_drops_its_new_indexes_and_leaves_the_live_ones(es, engine):
    es.answer("GET", r"/_alias/esther-items-\*", {"esther-items-en-1": {"aliases": {"esther-items-en": {}}}})
    es.answer(
        "PUT", "/_bulk", {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}, status=429
    )
    from search.engines import EngineUnavailable

    with pytest.raises(EngineUnavailable, match="429"):
        engine.rebuild([document(1)], lambda n: None)
    assert not es.sent("POST", "/_aliases")
    deleted = es.sent("DELETE")[0].path
    assert re.fullmatch(r"/(esther-items-(en|fr|pt|es)-\d{20},?){4}", deleted)
    assert "esther-items-en-1" not in deleted


# Writing -------------------------------------------------------------------------------------


def test_an_update_writes_to_its_language_and_leaves_the_others(es, engine):
    engine.upsert([document(7, "pt")])
    assert [r.target for r in es.requests] == ["HEAD /_alias/esther-items", "PUT /_bulk"]
    bulk = es.sent("PUT", "/_bulk")[0]
    assert bulk.query == "refresh=wait_for"
    assert bulk.body == [
        {"index": {"_index": "esther-items-pt", "_id": 7}},
        document(7, "pt"),
        {"delete": {"_index": "esther-items-en", "_id": 7}},
        {"delete": {"_index": "esther-items-fr", "_id": 7}},
        {"delete": {"_index": "esther-items-es", "_id": 7}},
    ]
    engine.delete([7])
    assert es.sent("PUT", "/_bulk")[1].body == [
        {"delete": {"_index": f"esther-items-{lang}", "_id": 7}} for lang in ("en", "fr", "pt", "es")
    ]


def test_the_first_update_on_an_empty_cluster_creates_the_indexes(es, engine):
    es.answer("HEAD", "/_alias/esther-items", status=404)
    engine.upsert([document(1)])
    created = [r.path for r in es.sent("PUT", "/" + VERSIONED)]
    assert len(created) == 4
    # Built live (refreshing, replicated where the cluster can), since nothing bulk-loads them.
    assert all(r.body["settings"]["refresh_interval"] == "1s" for r in es.sent("PUT", "/" + VERSIONED))
    assert es.sent("POST", "/_aliases")


# Searching -----------------------------------------------------------------------------------


def word_query(word: str, fuzzy: bool) -> dict:
    should = [
        {"multi_match": {"query": word, "fields": SURFACE, "operator": "and"}},
        {"multi_match": {"query": word, "fields": STEMMED, "operator": "and"}},
    ]
    if fuzzy:
        should.append(
            {
                "multi_match": {
                    "query": word,
                    "fields": SURFACE,
                    "operator": "and",
                    "fuzziness": "AUTO:5,8",
                    "prefix_length": 1,
                    "boost": 0.5,
                }
            }
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def test_the_search_request_is_exact(es, engine):
    es.answer("POST", "/esther-items/_search", search_answer([hit(1)]))
    query = SearchQuery(
        text='hygiene "hand washing" TB',
        focus_areas=("quality-and-safety-of-care",),
        countries=("KE", "UG"),
        year_from=2019,
        year_to=2022,
        sort="relevance",
        page=2,
        page_size=10,
    )
    engine.search(query, parse_text(query.text, {("tb",): [("tuberculosis",)]}))
    body = es.sent("POST", "/esther-items/_search")[0].body
    filters = {
        "focus_area": {"terms": {"focus_areas": ["quality-and-safety-of-care"]}},
        "country": {"terms": {"countries": ["KE", "UG"]}},
        "year": {"range": {"year": {"gte": 2019, "lte": 2022}}},
    }

    def all_but(name):
        others = [f for facet, f in filters.items() if facet != name]
        return {"bool": {"must": others}} if len(others) > 1 else others[0]

    assert body == {
        "query": {
            "bool": {
                "must": [
                    word_query("hygiene", fuzzy=True),
                    {
                        "bool": {
                            "should": [{"multi_match": {"query": "hand washing", "type": "phrase", "fields": SURFACE}}],
                            "minimum_should_match": 1,
                        }
                    },
                    {
                        "bool": {
                            "should": [
                                *word_query("tb", fuzzy=False)["bool"]["should"],
                                *word_query("tuberculosis", fuzzy=True)["bool"]["should"],
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                ]
            }
        },
        # Facet filters narrow the hits after the aggregations, which each apply all the others.
        "post_filter": {"bool": {"must": list(filters.values())}},
        "aggs": {
            f"_filter_{name}": {
                "filter": all_but(name),
                "aggs": {name: {"terms": {"field": field, "size": 100}}},
            }
            for name, field in FACET_FIELDS.items()
        },
        "sort": ["_score", {"publication_date": "desc"}, {"id": "desc"}],
        "track_total_hits": True,
        "_source": [
            "id",
            "title",
            "url",
            "type",
            "summary",
            "language",
            "publication_date",
            "focus_areas",
            "countries",
        ],
        "suggest": {
            "spelling": {
                "text": "hygiene",
                "term": {
                    "field": "spelling",
                    "suggest_mode": "missing",
                    "max_edits": 2,
                    "min_word_length": 5,
                    "size": 3,
                },
            }
        },
        "highlight": {
            "fields": {
                field: {
                    "matched_fields": [field, f"{field}.stemmed"],
                    "type": "fvh",
                    "fragment_size": 220,
                    "number_of_fragments": 2,
                    "order": "score",
                }
                for field in ("summary", "body")
            },
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
        },
        "from": 10,
        "size": 10,
    }


def test_browsing_without_words_sorts_by_date_and_asks_for_no_highlights(es, engine):
    es.answer("POST", "/esther-items/_search", search_answer())
    engine.search(SearchQuery(sort="oldest", types=("lesson",)), parse_text(""))
    body = es.sent("POST", "/esther-items/_search")[0].body
    assert "query" not in body and "highlight" not in body and "suggest" not in body
    assert body["sort"] == [{"publication_date": "asc"}, {"id": "asc"}]
    assert body["post_filter"] == {"terms": {"type": ["lesson"]}}
    assert body["aggs"]["_filter_type"]["filter"] == {"match_all": {}}


def test_answers_become_hits_facets_and_a_checked_suggestion(es, engine):
    found = {
        **hit(4, title="Hand hygiene audits"),
        "highlight": {"body": ["the <mark>hygiene</mark> rota &amp; audits"]},
    }
    es.answer(
        "POST",
        "/esther-items/_search",
        search_answer(
            [found],
            buckets={"year": [{"key": 2021, "doc_count": 1}], "country": [{"key": "KE", "doc_count": 1}]},
            suggest={
                "spelling": [
                    {
                        "text": "hygeine",
                        "offset": 0,
                        "length": 7,
                        "options": [{"text": "hygiene", "score": 0.86, "freq": 12}],
                    }
                ]
            },
        ),
    )
    es.answer("POST", "/esther-items/_count", {"count": 3})
    results = engine.search(SearchQuery(text="hygeine"), parse_text("hygeine"))
    assert results.total == 1 and not results.relaxed
    assert results.hits[0].title == "Hand hygiene audits"
    assert results.hits[0].highlights == ["the <mark>hygiene</mark> rota &amp; audits"]
    assert str(results.hits[0].publication_date) == "2021-06-01"
    assert [(f.value, f.count) for f in results.facets["year"]] == [("2021", 1)]
    assert [(f.value, f.count) for f in results.facets["country"]] == [("KE", 1)]
    assert results.suggestion == "hygiene"
    # The correction is offered only after a count under the same query shape found something.
    count = es.sent("POST", "/esther-items/_count")[0].body
    assert count["query"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]["query"] == "hygiene"


def test_no_suggestion_when_the_correction_finds_nothing_or_is_too_far(es, engine):
    es.answer(
        "POST",
        "/esther-items/_search",
        search_answer(
            suggest={
                "spelling": [
                    {
                        "text": "hygeine",
                        "offset": 0,
                        "length": 7,
                        "options": [{"text": "hygiene", "score": 0.8, "freq": 1}],
                    },
                    {
                        "text": "audot",
                        "offset": 8,
                        "length": 5,
                        "options": [{"text": "adult", "score": 0.5, "freq": 1}],
                    },
                ]
            }
        ),
    )
    es.answer("POST", "/esther-items/_count", {"count": 0})
    assert engine.search(SearchQuery(text="hygeine audot"), parse_text("hygeine audot")).suggestion is None
    # "audot" -> "adult" takes two edits: more than a five-letter word is allowed.
    count = es.sent("POST", "/esther-items/_count")[0].body
    assert "adult" not in str(count) and "hygiene" in str(count)


def test_when_no_item_has_every_word_the_search_is_relaxed(es, engine):
    es.answer("POST", "/esther-items/_search", search_answer([hit(2)]))
    es.answer("POST", "/esther-items/_search", search_answer([], total=0), times=1)
    results = engine.search(SearchQuery(text="hygiene zzzz"), parse_text("hygiene zzzz"))
    assert results.relaxed and results.total == 1
    strict, relaxed = (r.body["query"]["bool"] for r in es.sent("POST", "/esther-items/_search"))
    assert len(strict["must"]) == 2
    assert len(relaxed["should"]) == 2 and relaxed["minimum_should_match"] == 1


def test_autocomplete_and_more_like_this_requests(es, engine):
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "hits": {
                "total": {"value": 1, "relation": "eq"},
                "hits": [
                    {
                        "_index": "esther-items-fr-1",
                        "_id": "9",
                        "_score": 2.0,
                        "_source": {"title": "Santé communautaire", "url": "/library/p/sante/", "type": "case-study"},
                    },
                ],
            }
        },
    )
    suggestions = engine.autocomplete("santé comm")
    assert [(s.title, s.url) for s in suggestions] == [("Santé communautaire", "/library/p/sante/")]
    assert es.requests[-1].body == {
        "query": {"match": {"title.autocomplete": {"query": "santé comm", "operator": "and"}}},
        "sort": ["_score", {"id": "desc"}],
        "_source": ["title", "url", "type"],
        "size": 8,
    }
    assert engine.autocomplete("s") == []

    assert engine.more_like_this(9, limit=3) == [9]
    lookup, similar = (r.body for r in es.requests[-2:])
    assert lookup == {"query": {"ids": {"values": ["9"]}}, "_source": False, "size": 1}
    assert similar == {
        "query": {
            "more_like_this": {
                "fields": ["title", "summary", "body"],
                "like": [{"_index": "esther-items-fr-1", "_id": "9"}],
                "min_term_freq": 1,
                "min_doc_freq": 2,
                "max_doc_freq": 10000,
                "max_query_terms": 12,
                "minimum_should_match": "20%",
            }
        },
        "_source": False,
        "size": 3,
    }


def test_the_index_check_reads_every_version(es, engine):
    shards = {"total": 4, "successful": 4, "skipped": 0, "failed": 0}
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "_scroll_id": "s1",
            "_shards": shards,
            "hits": {
                "hits": [
                    {"_index": "esther-items-en-1", "_id": "1", "_source": {"version": "a"}},
                    {"_index": "esther-items-fr-1", "_id": "2", "_source": {"version": "b"}},
                ]
            },
        },
    )
    es.answer("POST", "/_search/scroll", {"_scroll_id": "s1", "_shards": shards, "hits": {"hits": []}})
    assert engine.indexed_versions() == {1: "a", 2: "b"}
    assert es.requests[0].body == {"_source": ["version"], "size": 500, "sort": "_doc"}
    assert es.requests[0].query.startswith("scroll=")


# When the cluster is down --------------------------------------------------------------------


def test_a_cluster_that_is_down_degrades_search_and_nothing_else(
    client, library, unreachable_elasticsearch, django_capture_on_commit_callbacks
):
    response = client.get("/search/", {"q": "hygiene"})
    assert response.status_code == 503
    assert "Search is unavailable for a moment" in response.content.decode()
    api = client.get("/api/search/", {"q": "hygiene"})
    assert api.status_code == 503 and "unavailable" in api.json()["error"]
    assert client.get("/api/search/autocomplete/", {"q": "hyg"}).status_code == 503

    # Publishing still works; the update waits in the queue for the cluster to come back.
    with django_capture_on_commit_callbacks(execute=True):
        partnership = make_partnership(library)
        item = make_case_study(partnership, title="Published while search was down")
    entry = IndexQueueEntry.objects.get(page_id=item.pk)
    assert entry.attempts >= 1 and "cannot be reached" in entry.last_error
    assert client.get(item.url).status_code == 200  # related items fall back to the database
    assert client.get("/").status_code == 200

    with pytest.raises(CommandError, match="elasticsearch search engine is unavailable"):
        call_command("search_index", "check")


def test_a_cluster_error_or_a_missing_index_is_a_503_with_words(client, db, es, settings):
    settings.SEARCH_ENGINE, settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = "elasticsearch", es.url, "esther"
    get_engine.cache_clear()
    try:
        es.answer("POST", "/esther-items/_search", {"error": {"type": "search_phase_execution_exception"}}, status=503)
        assert client.get("/api/search/", {"q": "x"}).status_code == 503
        es.answer(
            "POST",
            "/esther-items/_search",
            {"error": {"type": "index_not_found_exception", "reason": "no such index"}},
            status=404,
        )
        response = client.get("/search/", {"q": "x"})
        assert response.status_code == 503 and "Search is unavailable" in response.content.decode()
    finally:
        get_engine.cache_clear()
