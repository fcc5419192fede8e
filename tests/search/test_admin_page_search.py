"""The admin's page search (Wagtail's own index) ranks as modelsearch ranks, without running the
full-text query again for every matching page (config/wagtail_compat.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from config.wagtail_compat import SearchBackend, scalable_sqlite_backend_class
from tests.factories import make_case_study, make_lesson

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite backend's ranking"),
]


@pytest.fixture
def pages(partnership):
    """Items whose titles and bodies repeat "hygiene" a varied number of times: distinct scores,
    and ties broken by the newer page."""
    made = []
    for n in range(12):
        words = " ".join(["hygiene"] * (n % 4 + 1))
        body = [{"type": "paragraph", "value": f"<p>Ward audits. {words} {'training ' * (n % 3)}</p>"}]
        title = f"Hand hygiene {'audit ' * (n % 2)}on ward {n:02d}" if n % 3 else f"Ward {n:02d} audits"
        made.append(make_case_study(partnership, title=title, body=body))
    made.append(make_lesson(partnership, title="Hygiene lessons", lesson="Hand hygiene before every patient."))
    return made


def stock():
    """modelsearch's own SQLite backend, which ranks by a subquery per matching page."""
    return scalable_sqlite_backend_class()[0]({})


def ours():
    return SearchBackend({})


def plans(queries) -> str:
    """SQLite's plan for every statement that was run."""
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            found += [row[-1] for row in cursor.fetchall()]
    return "\n".join(found)


def test_the_same_pages_in_the_same_order_with_the_same_scores(pages):
    # One set of pages for every case: building them is most of the test's time.
    queryset = Page.objects.live()
    for method in ("search", "autocomplete"):
        for text in ("hygiene", "hand hygiene", "ward audits", "hyg"):
            case = f"{method}({text!r})"
            theirs = getattr(stock(), method)(text, queryset).annotate_score("score")
            mine = getattr(ours(), method)(text, queryset).annotate_score("score")
            expected = [(page.pk, page.score) for page in theirs]
            assert [(page.pk, page.score) for page in mine] == expected, case
            # The comparison decides something (a whole word is needed outside autocomplete).
            assert len(expected) >= 4 if (method, text) != ("search", "hyg") else expected == [], case
            # A later page of results, and its count, as modelsearch gives them.
            later = [page.pk for page in getattr(ours(), method)(text, queryset)[2:6]]
            assert later == [pk for pk, _ in expected[2:6]], case
            assert getattr(ours(), method)(text, queryset).count() == len(expected), case


def test_no_statement_runs_a_subquery_per_matching_page(pages):
    queryset = Page.objects.live()
    with CaptureQueriesContext(connection) as theirs:
        list(stock().search("hygiene", queryset)[:10])
    assert "CORRELATED SCALAR SUBQUERY" in plans(theirs.captured_queries)  # what this replaces

    with CaptureQueriesContext(connection) as mine:
        found = list(ours().search("hygiene", queryset)[:10])
    assert len(found) == 10
    assert "CORRELATED" not in plans(mine.captured_queries)
    # One pass for the scores, one for the pages the queryset allows, one for the page's objects.
    assert len(mine.captured_queries) <= 4


def test_other_orders_and_negated_queries_are_modelsearch_own(pages):
    from modelsearch.query import Not, PlainText

    queryset = Page.objects.live().order_by("title")
    by_title = [page.title for page in ours().search("hygiene", queryset, order_by_relevance=False)]
    assert by_title == sorted(by_title) and len(by_title) >= 5
    everything_else = ours().search(Not(PlainText("hygiene")), Page.objects.live(), order_by_relevance=False)
    assert {page.pk for page in everything_else}.isdisjoint({page.pk for page in ours().search("hygiene", queryset)})


def test_the_admin_page_search_lists_the_best_matches_first(client, django_user_model, pages):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    response = client.get("/admin/pages/search/", {"q": "hygiene"})
    assert response.status_code == 200
    html = response.content.decode()
    expected = [page.title for page in stock().autocomplete("hygiene", Page.objects.all())]
    shown = [title for title in expected if title in html]
    assert shown == expected and len(shown) >= 5
    positions = [html.index(title) for title in expected]
    assert positions == sorted(positions)
