"""Relevance must not fall: nDCG@10 of the tantivy engine on the judged queries stays at or above
the floor recorded in search/evaluation/floor.json. The demo content and its index are built once
for the module (in a transaction rolled back at the end); the metrics are checked by hand."""

import io
import json
import math

import pytest
from django.core.management import call_command
from django.db import transaction

from knowledge.demo_content import case_studies, evaluation_items, lessons, testimonials
from knowledge.models import KnowledgeItemPage
from search.documents import iter_documents
from search.evaluation import metrics
from search.evaluation.judged import KINDS, QUERIES_FILE, JudgedQuery, load_queries
from search.evaluation.report import QueryRun, Scores
from search.evaluation.systems import run_baseline, run_engine

FLOOR = json.loads(QUERIES_FILE.with_name("floor.json").read_text())["tantivy"]["ndcg@10"]


@pytest.fixture(scope="module")
def tantivy_run(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        slugs = dict(KnowledgeItemPage.objects.values_list("pk", "slug"))
        system = run_engine("tantivy", load_queries(), list(iter_documents()), slugs)
        transaction.set_rollback(True)
    return system


# Marked so that pytest-django creates the test database the module fixture writes to.
@pytest.mark.django_db
def test_tantivy_keeps_its_ndcg_floor(tantivy_run):
    ndcg = tantivy_run.scores().ndcg
    assert ndcg >= FLOOR, f"nDCG@10 fell to {ndcg:.3f} (floor {FLOOR}): run `make eval` to see which queries"


@pytest.mark.django_db
def test_no_judged_query_finds_nothing(tantivy_run):
    assert [run.query.id for run in tantivy_run.runs.values() if run.total == 0] == []


def test_the_judged_set_covers_every_language_and_kind_and_names_only_demo_items():
    queries = load_queries()
    assert len(queries) >= 80
    assert {query.language for query in queries} == {"en", "fr", "pt", "es"}
    assert {kind for query in queries for kind in query.kinds} == set(KINDS)
    rows = [*case_studies.CASE_STUDIES, *lessons.LESSONS, *testimonials.TESTIMONIALS]
    rows += [*evaluation_items.CASE_STUDIES, *evaluation_items.LESSONS, *evaluation_items.TESTIMONIALS]
    slugs = {row["slug"] for row in rows}
    for query in queries:
        assert set(query.judgements) <= slugs, query.id
        assert set(query.judgements.values()) <= {1, 2, 3}, query.id
        assert max(query.judgements.values()) >= metrics.RELEVANT, query.id


# The metrics, against values worked out by hand.


def test_dcg_discounts_gains_by_log2_of_rank_plus_one():
    # (2^3-1)/log2(2) + (2^2-1)/log2(3) + 0 = 7 + 3/1.58496
    assert metrics.dcg([3, 2, 0]) == pytest.approx(8.89279, abs=1e-5)
    assert metrics.dcg([]) == 0


def test_ndcg_against_the_ideal_order_of_the_judged_items():
    judgements = {"a": 2, "b": 3, "d": 1}
    # DCG: 3/1 + 7/log2(3) = 7.41650; ideal (b, a, d): 7 + 3/log2(3) + 1/2 = 9.39279.
    assert metrics.ndcg_at(10, ["a", "b", "c"], judgements) == pytest.approx(7.41650 / 9.39279, abs=1e-5)
    assert metrics.ndcg_at(10, ["b", "a", "d"], judgements) == pytest.approx(1.0)
    assert metrics.ndcg_at(10, [], judgements) == 0
    # Only the first k places count.
    assert metrics.ndcg_at(1, ["c", "b"], judgements) == 0


def test_precision_recall_and_reciprocal_rank_count_grades_two_and_three():
    judgements = {"a": 3, "b": 2, "c": 1}
    assert metrics.precision_at(3, ["x", "a", "c"], judgements) == pytest.approx(1 / 3)
    assert metrics.precision_at(3, ["b"], judgements) == pytest.approx(1 / 3)  # an empty place is a miss
    assert metrics.recall_at(10, ["c", "b", "x"], judgements) == pytest.approx(1 / 2)
    assert metrics.reciprocal_rank(["c", "x", "b"], judgements) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["c", "x"], judgements) == 0
    assert metrics.reciprocal_rank(["x", "a"], judgements, k=1) == 0


def test_scores_average_over_queries_and_count_empty_results():
    from search.evaluation.judged import JudgedQuery

    query = JudgedQuery("q", "text", "en", ("keyword",), {"a": 3, "b": 2})
    found, nothing = QueryRun(query, ["a", "x", "b"], total=3), QueryRun(query, [], total=0)
    scores = Scores.of([found, nothing])
    ideal = 7 + 3 / math.log2(3)
    assert scores.ndcg == pytest.approx((7 + 3 / 2) / ideal / 2)
    assert scores.p3 == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.mrr == pytest.approx(1 / 2)
    assert scores.zero == pytest.approx(1 / 2)
    assert found.missed == [] and nothing.missed == ["a", "b"]


def test_the_baseline_counts_each_item_once_whatever_its_versions():
    """Translations are versions of one item (they share its slug): an item counted twice would
    lift the baseline's DCG above the ideal one."""
    documents = [
        {"id": pk, "title": title, "summary": "", "body": ""}
        for pk, title in ((1, "Cold chain"), (2, "Cold chain"), (3, "Cold storage"))
    ]
    slugs = {1: "cold-chain", 2: "cold-chain", 3: "cold-storage"}
    query = JudgedQuery("q", "cold chain", "en", ("words",), {"cold-chain": 3, "cold-storage": 1})
    run = run_baseline([query], documents, slugs).runs["q"]
    assert run.ranked == ["cold-chain", "cold-storage"]
    assert run.ndcg == 1.0
