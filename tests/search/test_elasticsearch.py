"""The Elasticsearch engine at the request level: the exact mappings and query bodies the real
client puts on the wire, how answers become results, and what users see when the cluster is
down. The behaviour suite runs live against a real cluster wherever ELASTICSEARCH_URL is set."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.engines import EngineUnavailable, get_engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.models import IndexQueueEntry
from search.query import SearchQuery, parse_text
from tests.factories import make_case_study, make_partnership
from tests.search.recording_elasticsearch import RecordingServer, bulk_answer

SURFACE = ["title^4", "summary^2", "body", "partnership_title^0.5", "tags^0.5"]
STEMMED = ["title.stemmed^4", "summary.stemmed^2", "body.stemmed"]
VERSIONED = r"esther-items-(en|fr|pt|es)-\d{20}"
# Indexes a rebuild made earlier (the names the engine gives: language, then a UTC timestamp).
LIVE_EN, LIVE_FR = "esther-items-en-20240101120000000000", "esther-items-fr-20240101120000000000"
SHARDS = {"total": 4, "successful": 4, "skipped": 0, "failed": 0}
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
    return ElasticsearchEngine(es.url, index_prefix="esther", timeout=2, bulk_backoff=0)


@pytest.fixture
def site_on(es, settings, db):
    """The site's search switched to the recording server."""
    settings.SEARCH_ENGINE, settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_PREFIX = "elasticsearch", es.url, "esther"
    get_engine.cache_clear()
    yield es
    get_engine.cache_clear()


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
        "readers": ["en", "fr", "pt", "es"],
        "version": "v1",
        **fields,
    }


def search_answer(hits=(), total=None, buckets=None) -> dict:
    """What a cluster answers to the faceted search (the search API's response body): hits, and
    per facet a `filter` aggregation holding a `terms` one, as the aggregations reference shows."""
    total = len(hits) if total is None else total
    aggregations = {
        f"_filter_{name}": {
            "doc_count": total,
            name: {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": (buckets or {}).get(name, []),
            },
        }
        for name in FACET_FIELDS
    }
    return {
        "took": 1,
        "timed_out": False,
        "_shards": SHARDS,
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": max((h["_score"] for h in hits), default=None),
            "hits": list(hits),
        },
        "aggregations": aggregations,
    }


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
    return {"_index": LIVE_EN, "_id": str(pk), "_score": 1.0, "_source": body}


# Mappings ------------------------------------------------------------------------------------

# British spellings as American ones (search/variants.py), in the Java syntax of Elasticsearch's
# pattern_replace character filters: the very rules the tantivy engine applies in Python.
AMERICAN_RULES = [
    (r"\b(h|an|septic|leuk|isch|glyc|hyperglyc|hypoglyc|bacter|tox)aem", "$1em"),
    (r"\b(p|orthop)aed", "$1ed"),
    (r"\b(an|gyn)aec", "$1ec"),
    (r"\b(c)aesar", "$1esar"),
    (r"\b(an)aesth", "$1esth"),
    (r"\b(f)oet", "$1et"),
    (r"\b(am)oeb", "$1eb"),
    (r"(rrh|pn)oea", "$1ea"),
    (r"\b[ao]e(dem|sophag|str|tiol)", "e$1"),
    (r"\b(\w{3,})is(e|ed|es|er|ers|ing|ation|ations)\b", "$1iz$2"),
    (r"\b(\w{2,})ys(e|ed|es|ing)\b", "$1yz$2"),
    (r"\b(\w{3,})our(s|ed|ing)?\b", "$1or$2"),
    (r"\b(\w{3,}[aeiou])ll(ing|ed|er|ers|or|ors)\b", "$1l$2"),
    (r"\b(cent|lit|met|fib|theat|calib|spect|lust)re(s|d)?\b", "$1er$2"),
    (r"\b(program)me(s)?\b", "$1$2"),
    (r"\b(catalog|dialog|analog)ue(s)?\b", "$1$2"),
    (r"\b(licen|defen|offen)ce(s)?\b", "$1se$2"),
]
AMERICAN = [f"american_{number}" for number in range(1, len(AMERICAN_RULES) + 1)]

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
                    "char_filter": AMERICAN,
                    "filter": ["elision_fr", "lowercase", "stop_fr", "stemmer_fr", "asciifolding"],
                },
                # Neighbouring words joined, then stemmed: `hand rub` and `hand-rub` give `handrub`.
                "joined_fr": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": AMERICAN,
                    "filter": ["elision_fr", "lowercase", "joined_pairs", "stemmer_fr", "asciifolding"],
                },
            },
            "char_filter": {
                f"american_{number}": {
                    "type": "pattern_replace",
                    "pattern": pattern,
                    "replacement": replacement,
                    "flags": "CASE_INSENSITIVE|UNICODE_CHARACTER_CLASS",
                }
                for number, (pattern, replacement) in enumerate(AMERICAN_RULES, start=1)
            },
            "filter": {
                "elision_fr": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
                },
                "stop_fr": {"type": "stop", "stopwords": "_french_"},
                "stemmer_fr": {"type": "stemmer", "language": "light_french"},
                "joined_pairs": {
                    "type": "shingle",
                    "min_shingle_size": 2,
                    "max_shingle_size": 2,
                    "output_unigrams": False,
                    "token_separator": "",
                },
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
                "copy_to": ["spelling", "joined"],
                "fields": {"stemmed": {"type": "text", "analyzer": "stemmed_fr"}},
            },
            "summary": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": ["spelling", "joined"],
                "term_vector": "with_positions_offsets",
                "fields": {
                    "stemmed": {"type": "text", "analyzer": "stemmed_fr", "term_vector": "with_positions_offsets"}
                },
            },
            "body": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": ["spelling", "joined"],
                "term_vector": "with_positions_offsets",
                "fields": {
                    "stemmed": {
                        "type": "text",
                        "analyzer": "stemmed_fr",
                        "term_vector": "with_positions_offsets",
                        "index_phrases": True,
                    }
                },
            },
            "partnership_title": {"type": "text", "analyzer": "folded", "copy_to": ["spelling", "joined"]},
            "tags": {
                "type": "text",
                "analyzer": "folded",
                "copy_to": ["spelling", "joined"],
                "fields": {"keyword": {"type": "keyword"}},
            },
            "spelling": {"type": "text", "analyzer": "folded"},
            "joined": {"type": "text", "analyzer": "joined_fr", "search_analyzer": "stemmed_fr"},
            "language": {"type": "keyword"},
            "url": {"type": "keyword", "index": False},
            "publication_date": {"type": "date", "format": "yyyy-MM-dd"},
            "year": {"type": "integer"},
            "focus_areas": {"type": "keyword"},
            "countries": {"type": "keyword"},
            "regions": {"type": "keyword"},
            "partnership": {"type": "keyword"},
            "readers": {"type": "keyword"},
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


def aliases_answer(**extra) -> dict:
    """`GET esther-items-*/_alias` on a cluster a rebuild filled (en and fr shown): every index
    the pattern matches, each with all its aliases (the get alias API's response body)."""
    return {
        LIVE_EN: {"aliases": {"esther-items": {}, "esther-items-en": {"is_write_index": True}}},
        LIVE_FR: {"aliases": {"esther-items": {}, "esther-items-fr": {"is_write_index": True}}},
        **extra,
    }


def test_a_rebuild_fills_new_indexes_then_swaps_the_aliases_in_one_request(es, engine):
    recent = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    es.answer(
        "GET",
        r"/esther-items-\*/_alias",
        aliases_answer(
            # Left by a rebuild that died long ago, and by one that may still be filling it.
            **{"esther-items-pt-20230101000000000000": {"aliases": {}}, f"esther-items-es-{recent}": {"aliases": {}}},
            # Another site's index under a longer prefix is none of ours.
            **{"esther-items-old": {"aliases": {}}},
        ),
    )
    progress = []
    engine.rebuild([document(1, "en"), document(2, "fr"), document(3, "fr")], progress.append)
    assert sum(progress) == 3

    steps = [r.target for r in es.requests]
    version = re.search(r"-(\d{20})", steps[1]).group(1)
    new = {lang: f"esther-items-{lang}-{version}" for lang in ("en", "fr", "pt", "es")}
    together = ",".join(new.values())
    assert steps == [
        "GET /esther-items-*/_alias",
        *(f"PUT /{name}" for name in new.values()),
        "PUT /_bulk",
        f"PUT /{together}/_settings",
        f"POST /{together}/_refresh",
        "POST /_aliases",
        f"DELETE /{LIVE_EN},{LIVE_FR},esther-items-pt-20230101000000000000",
    ]
    bulk = es.sent("PUT", "/_bulk")[0]
    assert bulk.query == ""  # concrete new indexes, not aliases
    assert bulk.body[0] == {"index": {"_index": new["en"], "_id": 1}} and bulk.body[1]["title"] == "Item 1"
    assert bulk.body[2] == {"index": {"_index": new["fr"], "_id": 2}}
    # Built without refreshes or replicas, then made live.
    assert es.sent("PUT", f"/{together}/_settings")[0].body == {"auto_expand_replicas": "0-1", "refresh_interval": "1s"}
    assert es.sent("POST", "/_aliases")[0].body == {
        "actions": [
            {"remove": {"index": LIVE_EN, "alias": "esther-items"}},
            {"remove": {"index": LIVE_FR, "alias": "esther-items"}},
            {"remove": {"index": LIVE_EN, "alias": "esther-items-en"}},
            {"remove": {"index": LIVE_FR, "alias": "esther-items-fr"}},
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


REJECTED = {
    "status": 429,
    "error": {
        "type": "es_rejected_execution_exception",
        "reason": "rejected execution of coordinating operation [shard_detail=[esther-items-en][0]]",
    },
}


def test_a_failed_rebuild_drops_its_new_indexes_and_leaves_the_live_ones(es, engine):
    es.answer("GET", r"/esther-items-\*/_alias", aliases_answer())
    es.answer(
        "PUT", "/_bulk", {"error": {**REJECTED["error"], "root_cause": [REJECTED["error"]]}, "status": 429}, status=429
    )
    with pytest.raises(EngineUnavailable, match="429"):
        engine.rebuild([document(1)], lambda n: None)
    assert not es.sent("POST", "/_aliases")
    deleted = es.sent("DELETE")[0].path
    assert re.fullmatch(r"/(esther-items-(en|fr|pt|es)-\d{20},?){4}", deleted)
    assert LIVE_EN not in deleted


def test_indexes_created_before_a_failure_are_dropped_too(es, engine):
    # The third index cannot be created (here: the cluster's shard limit, a 400).
    es.answer(
        "PUT",
        r"/esther-items-pt-\d{20}",
        {"error": {"type": "validation_exception", "reason": "this action would add [1] shards"}, "status": 400},
        status=400,
    )
    with pytest.raises(EngineUnavailable, match="400"):
        engine.rebuild([document(1)], lambda n: None)
    created = [r.path for r in es.sent("PUT", "/" + VERSIONED)]
    assert len(created) == 3  # en, fr, then pt refused
    assert es.sent("DELETE")[0].path == "/" + ",".join(path[1:] for path in created[:2])


def test_a_rebuild_waits_for_a_slow_cluster_longer_than_a_search_does(es):
    engine = ElasticsearchEngine(es.url, timeout=0.3, indexing_timeout=5, bulk_backoff=0)
    es.answer("PUT", "/_bulk", lambda request: bulk_answer(request.body), delay=0.6)
    engine.rebuild([document(1)], lambda n: None)
    assert es.sent("POST", "/_aliases")
    es.answer("POST", "/esther-items/_search", search_answer(), delay=0.6)
    with pytest.raises(EngineUnavailable, match="cannot be reached"):
        engine.search(SearchQuery(text="x"), parse_text("x"))


def test_items_the_cluster_is_too_busy_for_are_sent_again(es, engine):
    def busy_once(request):
        first = len(es.sent("PUT", "/_bulk")) == 1
        return bulk_answer(request.body, refused={("index", "2"): REJECTED} if first else None)

    es.answer("PUT", "/_bulk", busy_once)
    progress = []
    engine.rebuild([document(1), document(2), document(3)], progress.append)
    first, second = (r.body for r in es.sent("PUT", "/_bulk"))
    assert [line["index"]["_id"] for line in first if "index" in line] == [1, 2, 3]
    assert second[0]["index"]["_id"] == 2 and len(second) == 2  # the rejected item alone
    assert sum(progress) == 3


# Writing -------------------------------------------------------------------------------------


def test_an_update_writes_to_its_language_and_leaves_the_others(es, engine):
    engine.upsert([document(7, "pt")])
    assert [r.target for r in es.requests] == ["HEAD /_alias/esther-items", "PUT /_bulk"]
    bulk = es.sent("PUT", "/_bulk")[0]
    # Only through the write aliases: without one, the cluster must refuse, not create an index.
    assert bulk.query == "refresh=wait_for&require_alias=true"
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


def test_an_item_without_a_partnership_sends_no_blank_partnership(es, engine):
    engine.upsert([document(8, partnership="", partnership_title="")])
    source = es.sent("PUT", "/_bulk")[0].body[1]
    assert "partnership" not in source and "partnership_title" not in source
    assert source == {k: v for k, v in document(8).items() if not k.startswith("partnership")}


def test_an_update_the_cluster_refuses_stays_queued(es, engine):
    # The write alias is gone: with require_alias the cluster refuses the item (a 404 in the
    # bulk answer), which must not pass for a delete that found nothing.
    missing = {
        "status": 404,
        "error": {
            "type": "index_not_found_exception",
            "reason": "no such index [esther-items-pt] and [require_alias] request flag is [true] "
            "and [esther-items-pt] is not an alias",
            "index": "esther-items-pt",
        },
    }
    es.answer("PUT", "/_bulk", lambda request: bulk_answer(request.body, refused={("index", "7"): missing}))
    with pytest.raises(EngineUnavailable, match="refused 1 document.*index_not_found_exception"):
        engine.upsert([document(7, "pt")])
    mapping = {"status": 400, "error": {"type": "document_parsing_exception", "reason": "failed to parse [year]"}}
    es.answer("PUT", "/_bulk", lambda request: bulk_answer(request.body, refused={("index", "7"): mapping}))
    with pytest.raises(EngineUnavailable, match="document_parsing_exception"):
        engine.upsert([document(7, "pt")])


def test_the_first_update_on_an_empty_cluster_creates_the_indexes(es, engine):
    es.answer("HEAD", "/_alias/esther-items", status=404)
    engine.upsert([document(1)])
    created = [r.path for r in es.sent("PUT", "/" + VERSIONED)]
    assert len(created) == 4
    # Built live (refreshing, replicated where the cluster can), since nothing bulk-loads them.
    assert all(r.body["settings"]["refresh_interval"] == "1s" for r in es.sent("PUT", "/" + VERSIONED))
    assert es.sent("POST", "/_aliases")


def test_two_processes_creating_the_indexes_at_once_both_write(es, engine):
    # Another process created its indexes and aliases between our check and our swap: the
    # cluster refuses a second write index for the alias.
    es.answer("HEAD", "/_alias/esther-items", status=404, times=1)
    es.answer(
        "POST",
        "/_aliases",
        {
            "error": {
                "type": "illegal_state_exception",
                "reason": "alias [esther-items-en] has more than one write index [esther-items-en-1,esther-items-en-2]",
            },
            "status": 500,
        },
        status=500,
    )
    engine.upsert([document(1)])
    created = [r.path[1:] for r in es.sent("PUT", "/" + VERSIONED)]
    assert es.sent("DELETE")[0].path == "/" + ",".join(created)  # ours go, theirs serve
    assert es.sent("PUT", "/_bulk")[0].body[0] == {"index": {"_index": "esther-items-en", "_id": 1}}


def test_the_index_check_names_indexes_no_alias_points_to(site_on, capsys):
    es = site_on
    es.answer(
        "GET", r"/esther-items-\*/_alias", aliases_answer(**{"esther-items-pt-20230101000000000000": {"aliases": {}}})
    )
    es.answer("POST", "/esther-items/_search", {"_scroll_id": "s1", "_shards": SHARDS, "hits": {"hits": []}})
    out = io.StringIO()
    call_command("search_index", "check", "--workers", "1", stdout=out)
    assert (
        "1 indexes that no alias points to (left by a rebuild that died): esther-items-pt-20230101000000000000. "
        "The next `search_index rebuild` removes those over six hours old."
    ) in out.getvalue()


# Searching -----------------------------------------------------------------------------------


def word_query(word: str, fuzzy: bool) -> dict:
    should = [
        {"multi_match": {"query": word, "fields": SURFACE, "operator": "and"}},
        {"multi_match": {"query": word, "fields": STEMMED, "operator": "and"}},
        # Where neighbouring words are written as one: `handrub` finds `hand rub`, `hand-rub`.
        {"multi_match": {"query": word, "fields": ["joined"]}},
    ]
    if fuzzy:
        should.append(
            {
                "multi_match": {
                    "query": word,
                    "fields": ["title^4", "summary^2"],
                    "operator": "and",
                    "fuzziness": "AUTO:5,8",
                    "prefix_length": 1,
                    "max_expansions": 10,
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
    request = es.sent("POST", "/esther-items/_search")[0]
    # Scored with the term statistics of all four language indexes, not each one's own.
    assert request.query == "search_type=dfs_query_then_fetch"
    body = request.body
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
                            # As written, and stemmed (`ruptures de stock` for `rupture de stock`).
                            "should": [
                                {"multi_match": {"query": "hand washing", "type": "phrase", "fields": SURFACE}},
                                {"multi_match": {"query": "hand washing", "type": "phrase", "fields": STEMMED}},
                                # Two words, also written as one.
                                {"multi_match": {"query": "handwashing", "fields": [*SURFACE, *STEMMED, "joined"]}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    # A synonym weighs a little less, and only the best alternative counts in full;
                    # it is the vocabulary's word as editors spelt it: no typo tolerance.
                    {
                        "dis_max": {
                            "queries": [
                                word_query("tb", fuzzy=False),
                                {"bool": {**word_query("tuberculosis", fuzzy=False)["bool"], "boost": 0.8}},
                            ],
                            "tie_breaker": 0.1,
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
            }
            | {
                field: {"type": "unified", "number_of_fragments": 0} for field in ("title", "tags", "partnership_title")
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
    request = es.sent("POST", "/esther-items/_search")[0]
    assert request.query == ""  # nothing scored: no statistics to gather
    body = request.body
    assert "query" not in body and "highlight" not in body and "suggest" not in body
    assert body["sort"] == [{"publication_date": "asc"}, {"id": "asc"}]
    assert body["post_filter"] == {"terms": {"type": ["lesson"]}}
    assert body["aggs"]["_filter_type"]["filter"] == {"match_all": {}}


def test_a_hit_that_matched_only_in_its_tags_says_so(es, engine):
    found = {**hit(4, title="Theatre rota"), "highlight": {"tags": ["<mark>autoclave</mark>"]}}
    es.answer("POST", "/esther-items/_search", search_answer([found]))
    results = engine.search(SearchQuery(text="autoclave"), parse_text("autoclave"))
    assert results.hits[0].highlights == [] and results.hits[0].matched_in == ["tags"]


def test_answers_become_hits_and_facets(es, engine):
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
        ),
    )
    results = engine.search(SearchQuery(text="hygiene"), parse_text("hygiene"))
    assert results.total == 1 and not results.relaxed and results.suggestion is None
    assert results.hits[0].title == "Hand hygiene audits"
    assert results.hits[0].highlights == ["the <mark>hygiene</mark> rota &amp; audits"]
    assert str(results.hits[0].publication_date) == "2021-06-01"
    assert [(f.value, f.count) for f in results.facets["year"]] == [("2021", 1)]
    assert [(f.value, f.count) for f in results.facets["country"]] == [("KE", 1)]


def test_some_of_the_words_match_when_the_service_asks_those_with_all_first(es, engine):
    es.answer("POST", "/esther-items/_search", search_answer([hit(2)]))
    parsed = parse_text("hygiene zzzz")
    engine.search(SearchQuery(text="hygiene zzzz"), parsed)
    engine.search(SearchQuery(text="hygiene zzzz"), parsed, minimum=1)
    strict, relaxed = (r.body["query"]["bool"] for r in es.sent("POST", "/esther-items/_search"))
    # Two words typed side by side also match written as one (`hand rub`: `handrub`).
    joined = {"multi_match": {"query": "hygienezzzz", "fields": [*SURFACE, *STEMMED, "joined"]}}
    words = [
        {"dis_max": {"queries": [word_query(word, fuzzy=fuzzy), joined], "tie_breaker": 0.1}}
        for word, fuzzy in (("hygiene", True), ("zzzz", False))
    ]
    near = {
        "multi_match": {
            "query": "hygiene zzzz",
            "type": "phrase",
            "slop": 3,
            "fields": ["title^4", "summary^2", "body"],
        }
    }
    assert strict == {"must": [{"bool": {"must": words}}], "should": [near]}
    assert relaxed == {
        "must": [{"bool": {"should": words, "minimum_should_match": 1}}],
        "should": [{"constant_score": {"filter": {"bool": {"must": words}}, "boost": 1000.0}}, near],
    }


def test_a_count_applies_the_text_and_every_filter(es, engine):
    es.answer("POST", "/esther-items/_count", {"count": 3, "_shards": SHARDS})
    query = SearchQuery(text="hygiene", countries=("KE",), year_from=2020)
    assert engine.count(query, parse_text("hygiene")) == 3
    assert es.sent("POST", "/esther-items/_count")[0].body == {
        "query": {
            "bool": {
                "must": [word_query("hygiene", fuzzy=True)],
                "filter": [{"terms": {"countries": ["KE"]}}, {"range": {"year": {"gte": 2020}}}],
            }
        }
    }


def spelling_answer(entries: list[dict], known: dict[str, int]) -> dict:
    """The search API's answer to the spelling request: the term suggester's entries (one per
    token of the text, with its offset and length in the text) and the `filters` aggregation's
    buckets, keyed by filter name."""
    return {
        "took": 3,
        "timed_out": False,
        "_shards": SHARDS,
        "hits": {"total": {"value": 12, "relation": "eq"}, "max_score": None, "hits": []},
        "aggregations": {"known": {"buckets": {word: {"doc_count": count} for word, count in known.items()}}},
        "suggest": {"spelling": entries},
    }


def entry(text: str, offset: int, *options: tuple[str, int]) -> dict:
    return {
        "text": text,
        "offset": offset,
        "length": len(text),
        "options": [{"text": option, "score": 0.8, "freq": freq} for option, freq in options],
    }


def test_did_you_mean_asks_every_index_which_words_it_holds(es, engine):
    # With suggest_mode `always` the suggester offers neighbours for every word, the known ones
    # too (as `missing` does for a word one language's index lacks): the counts decide.
    es.answer(
        "POST",
        "/esther-items/_search",
        spelling_answer(
            [
                entry("hygiene", 0, ("hygienes", 2)),
                entry("hygeine", 8, ("hygiene", 12), ("hygienes", 2)),
                entry("theatre", 16, ("theatres", 3)),
            ],
            known={"hygiene": 12, "hygeine": 0, "theatre": 4},
        ),
    )
    assert engine.spelling(["hygiene", "hygeine", "theatre", "tb"]) == {"hygeine": ["hygiene"]}
    assert es.sent("POST", "/esther-items/_search")[0].body == {
        "suggest": {
            "spelling": {
                "text": "hygiene hygeine theatre",
                "term": {
                    "field": "spelling",
                    "suggest_mode": "always",
                    "max_edits": 2,
                    "min_word_length": 5,
                    "size": 5,
                },
            }
        },
        "aggs": {
            "known": {
                "filters": {
                    "filters": {
                        "hygiene": {"term": {"spelling": "hygiene"}},
                        "hygeine": {"term": {"spelling": "hygeine"}},
                        "theatre": {"term": {"spelling": "theatre"}},
                    }
                }
            }
        },
        "size": 0,
    }


def test_corrections_are_the_closest_then_most_common_within_the_allowed_edits(es, engine):
    es.answer(
        "POST",
        "/esther-items/_search",
        spelling_answer(
            [
                # Two edits are too many for a five-letter word.
                entry("audot", 0, ("adult", 9)),
                entry("laboratorie", 6, ("laboratoires", 1), ("laboratoire", 2), ("laboratory", 40)),
                # A token that covers only part of the word given is no correction for it.
                entry("surgi", 18, ("surgical", 5)),
            ],
            known={"audot": 0, "laboratorie": 0, "surgicall": 0},
        ),
    )
    assert engine.spelling(["audot", "laboratorie", "surgicall"]) == {
        # Keyed by the words as given; one edit first, then two, the commoner first.
        "laboratorie": ["laboratoire", "laboratory", "laboratoires"],
    }


def test_did_you_mean_through_the_api(client, site_on):
    """The service's rules over the engine: nothing has every word, so any word will do;
    the misspelt word is replaced where it stands, and offered since a count finds something."""
    es = site_on

    def answer(request):
        if "known" in request.body.get("aggs", {}):
            return spelling_answer([entry("hopitall", 0, ("hopital", 7))], known={"hopitall": 0, "sante": 3})
        if "constant_score" not in json.dumps(request.body["query"]):  # every word: none has them all
            return search_answer([], total=0)
        return search_answer([hit(2)])

    es.answer("POST", "/esther-items/_search", answer)
    es.answer("POST", "/esther-items/_count", {"count": 2, "_shards": SHARDS})

    response = client.get("/api/search/", {"q": "l'hôpitall santé"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["relaxed"] is True and answer["total"] == 1
    assert answer["suggestion"] == "l'hopital santé"
    searched = es.sent("POST", "/esther-items/_search")
    # The spelling once, first (a misspelt word finds its synonyms through its correction), then
    # every word, then any: "did you mean" reuses the corrections.
    assert [("aggs" in r.body and "known" in r.body["aggs"]) for r in searched] == [True, False, False]
    count = es.sent("POST", "/esther-items/_count")[0].body
    clauses = count["query"]["bool"]["must"][0]["bool"]["must"]  # every word of the correction
    assert clauses[0]["dis_max"]["queries"][0]["bool"]["should"][0]["multi_match"]["query"] == "l'hopital"


def test_a_search_far_from_any_typo_of_the_vocabulary_asks_no_spelling(client, site_on):
    """The spelling goes first only when a word lies a typo away from a vocabulary word (its
    correction could bring synonyms); with a page of results, "did you mean" asks nothing either."""
    es = site_on
    es.answer("POST", "/esther-items/_search", search_answer([hit(n) for n in range(1, 11)], total=12))
    assert client.get("/api/search/", {"q": "autoclave logbook"}).status_code == 200
    assert ["known" in r.body.get("aggs", {}) for r in es.sent("POST", "/esther-items/_search")] == [False]


def test_autocomplete_reads_every_word_the_last_as_a_prefix(es, engine):
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {
                "total": {"value": 1, "relation": "eq"},
                "max_score": 2.0,
                "hits": [
                    {
                        "_index": LIVE_FR,
                        "_id": "9",
                        "_score": 2.0,
                        "_source": {"title": "Santé communautaire", "url": "/library/p/sante/", "type": "case-study"},
                        "sort": [2.0, 9],
                    },
                ],
            },
        },
    )
    suggestions = engine.autocomplete("santé  comm")
    assert [(s.title, s.url) for s in suggestions] == [("Santé communautaire", "/library/p/sante/")]
    assert es.requests[-1].body == {
        "query": {"match_bool_prefix": {"title": {"query": "santé comm", "operator": "and"}}},
        "sort": ["_score", {"id": "desc"}],
        "_source": ["title", "url", "type"],
        "size": 8,
    }
    # One-letter words and long ones: no n-gram limits on either side.
    for typed in ("type 2 diab", "vitamin a", "laboratoire à", "à b", "interprofessionnalisation"):
        engine.autocomplete(typed)
        assert es.requests[-1].body["query"]["match_bool_prefix"]["title"]["query"] == typed
    count = len(es.requests)
    assert engine.autocomplete("s") == [] and engine.autocomplete(" à ") == []
    assert len(es.requests) == count


def test_autocomplete_suggests_the_readers_version_of_each_item(client, site_on):
    """/api/search/autocomplete/ has no language prefix: the page sends its language as `reader`,
    and the query keeps only the versions shown to that reader (the documents' `readers`)."""
    site_on.answer(
        "POST",
        "/esther-items/_search",
        {
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
        },
    )
    for params, readers in (({"q": "santé  comm", "reader": "fr"}, ["fr"]), ({"q": "santé  comm"}, ["en"])):
        assert client.get("/api/search/autocomplete/", params).json() == {"suggestions": []}
        assert site_on.requests[-1].body == {
            "query": {
                "bool": {
                    "must": [{"match_bool_prefix": {"title": {"query": "santé comm", "operator": "and"}}}],
                    "filter": [{"terms": {"readers": readers}}],
                }
            },
            "sort": ["_score", {"id": "desc"}],
            "_source": ["title", "url", "type"],
            "size": 8,
        }
    sent = len(site_on.requests)
    response = client.get("/api/search/autocomplete/", {"q": "santé", "reader": "de"})
    assert response.status_code == 400 and response.json()["error"].startswith("reader: ")
    assert len(site_on.requests) == sent


def test_related_items_are_the_others_like_the_item(es, engine):
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {
                "total": {"value": 2, "relation": "eq"},
                "max_score": 3.1,
                # The liked item itself is not among them (`include` is false by default).
                "hits": [
                    {"_index": LIVE_EN, "_id": "3", "_score": 3.1},
                    {"_index": LIVE_FR, "_id": "5", "_score": 1.2},
                ],
            },
        },
    )
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {
                "total": {"value": 1, "relation": "eq"},
                "max_score": 1.0,
                "hits": [{"_index": LIVE_FR, "_id": "9", "_score": 1.0}],
            },
        },
        times=1,
    )
    assert engine.more_like_this(9, limit=3) == [3, 5]
    lookup, similar = (r.body for r in es.requests[-2:])
    assert lookup == {"query": {"ids": {"values": ["9"]}}, "_source": False, "size": 1}
    assert similar == {
        "query": {
            "more_like_this": {
                "fields": ["title", "summary", "body"],
                "like": [{"_index": LIVE_FR, "_id": "9"}],
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
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "_scroll_id": "s1",
            "took": 1,
            "timed_out": False,
            "_shards": SHARDS,
            "hits": {
                "total": {"value": 2, "relation": "eq"},
                "max_score": None,
                "hits": [
                    {"_index": LIVE_EN, "_id": "1", "_score": None, "_source": {"version": "a"}, "sort": [0]},
                    {"_index": LIVE_FR, "_id": "2", "_score": None, "_source": {"version": "b"}, "sort": [0]},
                ],
            },
        },
    )
    es.answer("POST", "/_search/scroll", {"_scroll_id": "s1", "_shards": SHARDS, "hits": {"hits": []}})
    assert engine.indexed_versions() == {1: "a", 2: "b"}
    assert es.requests[0].body == {"_source": ["version"], "size": 500, "sort": "_doc"}
    assert es.requests[0].query.startswith("scroll=")


def test_an_index_check_that_cannot_read_every_shard_is_unavailable(es, engine):
    # One shard of four failed: the scroll would miss its items and call them missing.
    failed = {"total": 4, "successful": 3, "skipped": 0, "failed": 1}
    es.answer(
        "POST",
        "/esther-items/_search",
        {
            "_scroll_id": "s1",
            "_shards": failed,
            "hits": {"hits": [{"_index": LIVE_EN, "_id": "1", "_source": {"version": "a"}}]},
        },
    )
    with pytest.raises(EngineUnavailable, match="every shard"):
        engine.indexed_versions()


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
    # The library's listings read the database instead, unfiltered, and say so.
    listing = client.get(library.url)
    html = listing.content.decode()
    assert listing.status_code == 200 and "Published while search was down" in html
    assert "Filters and counts are unavailable for a moment." in html
    filtered = client.get(f"{library.url}countries/KE/", {"type": "lesson"})  # a filter it cannot apply
    assert filtered.status_code == 503 and "here is everything, newest first" in filtered.content.decode()
    assert client.get(f"{library.url}countries/").status_code == 200

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


def test_function_words_count_only_in_the_proximity_phrase_and_longer_synonyms_weigh_less(es, engine):
    es.answer("POST", "/esther-items/_search", search_answer([hit(2)]))
    engine.search(SearchQuery(text="lista de verificação"), parse_text("lista de verificação"))
    engine.search(SearchQuery(text="twinning"), parse_text("twinning", {("twinning",): [("jumelage", "hospitalier")]}))
    function_words, synonym = (r.body["query"] for r in es.sent("POST", "/esther-items/_search"))
    assert function_words == {
        "bool": {
            # `de` is no clause an item must hold, and never matches on its own.
            "must": [{"bool": {"must": [word_query("lista", fuzzy=True), word_query("verificação", fuzzy=True)]}}],
            "should": [
                {
                    "multi_match": {
                        "query": "lista de verificação",
                        "type": "phrase",
                        "slop": 3,
                        "fields": ["title^4", "summary^2", "body"],
                    }
                }
            ],
        }
    }
    # A synonym of two words for one typed weighs half a synonym's weight (a phrase scores the sum of its words).
    phrase = {"query": "jumelage hospitalier", "type": "phrase"}
    (synonym,) = synonym["bool"]["must"]
    assert synonym == {
        "dis_max": {
            "queries": [
                word_query("twinning", fuzzy=True),
                {
                    "bool": {
                        "should": [
                            {"multi_match": {**phrase, "fields": SURFACE}},
                            {"multi_match": {**phrase, "fields": STEMMED}},
                            {"multi_match": {"query": "jumelagehospitalier", "fields": [*SURFACE, *STEMMED, "joined"]}},
                        ],
                        "minimum_should_match": 1,
                        "boost": 0.4,
                    }
                },
            ],
            "tie_breaker": 0.1,
        }
    }
