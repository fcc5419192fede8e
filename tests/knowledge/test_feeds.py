"""Atom feeds as a feed reader sees them: parsed with feedparser, compared with the search API."""

import datetime

import feedparser
import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.models import CaseStudyAuthor
from search.engines import get_engine
from tests.factories import PersonFactory, make_case_study, make_lesson, make_partnership

LATEST = "/feeds/latest.atom"
SEARCH = "/feeds/search.atom"


@pytest.fixture
def engine(db):
    get_engine.cache_clear()
    engine = get_engine()
    engine.rebuild([], lambda n: None)
    yield engine
    get_engine.cache_clear()


@pytest.fixture
def items(engine, partnership, django_capture_on_commit_callbacks):
    """Published items of each type, a draft, a private item and one with an unpublished revision,
    indexed as after a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        hygiene = make_case_study(
            partnership,
            title="Hand hygiene audits on surgical wards",
            summary="Monthly hand hygiene audits raised compliance.",
            focus=("quality-and-safety-of-care", "health-workforce-capacity"),
            publication_date=datetime.date(2023, 3, 1),
            authors=[
                CaseStudyAuthor(person=PersonFactory(name="Awa Diallo")),
                CaseStudyAuthor(person=PersonFactory(name="Jean Martin")),
            ],
        )
        lesson = make_lesson(
            partnership,
            title="Hygiene mentoring outlasts workshops",
            language="fr",
            publication_date=datetime.date(2024, 1, 5),
        )
        draft = make_case_study(partnership, title="Hygiene draft not yet approved", live=False)
        private = make_case_study(partnership, title="Hygiene private case", publication_date=datetime.date(2024, 6, 1))
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
        revised = make_lesson(partnership, title="Hygiene published title", publication_date=datetime.date(2022, 1, 1))
        revised.title = "Hygiene unpublished revision title"
        revised.save_revision()
    return {"hygiene": hygiene, "lesson": lesson, "draft": draft, "private": private, "revised": revised}


def parse(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_latest_feed_describes_each_published_item(client, items, partnership):
    feed = parse(client.get(LATEST))
    assert feed.version == "atom10"
    by_title = {entry.title: entry for entry in feed.entries}
    assert list(by_title) == [
        "Hygiene mentoring outlasts workshops",
        "Hand hygiene audits on surgical wards",
        "Hygiene published title",
    ]
    case = by_title["Hand hygiene audits on surgical wards"]
    page = items["hygiene"]
    assert case.id == f"http://testserver/k/{page.pk}/"
    assert case.link == f"http://testserver{page.url}"
    assert case.published_parsed[:3] == (2023, 3, 1)
    assert case.updated_parsed[:6] == page.last_published_at.astimezone(datetime.UTC).timetuple()[:6]
    assert case.summary == "Monthly hand hygiene audits raised compliance."
    assert [author.name for author in case.authors] == ["Awa Diallo", "Jean Martin"]
    assert [tag.term for tag in case.tags] == ["Quality and safety of care", "Health workforce capacity"]
    assert case.title_detail.language == "en"
    lesson = by_title["Hygiene mentoring outlasts workshops"]
    assert [author.name for author in lesson.authors] == [partnership.title]
    assert lesson.title_detail.language == "fr"


def test_drafts_private_items_and_unpublished_revisions_never_appear(client, items):
    for url in (LATEST, SEARCH + "?q=hygiene"):
        titles = [entry.title for entry in parse(client.get(url)).entries]
        assert "Hygiene published title" in titles
        for hidden in ("Hygiene draft not yet approved", "Hygiene private case", "Hygiene unpublished revision title"):
            assert hidden not in titles


@pytest.mark.parametrize(
    "params",
    [{"q": "hygiene"}, {"q": "hygiene", "type": "lesson"}, {"focus_area": "health-workforce-capacity"}, {}],
)
def test_search_feed_lists_what_the_search_api_finds_newest_first(client, items, params):
    feed = parse(client.get(SEARCH, params))
    api = client.get("/api/search/", {**params, "sort": "newest", "page_size": 50}).json()
    assert [entry.link for entry in feed.entries] == [hit["url"] for hit in api["results"]]
    assert [entry.id for entry in feed.entries] == [f"http://testserver/k/{hit['id']}/" for hit in api["results"]]
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.entries


def test_search_feed_says_what_it_searched_and_links_back(client, items):
    feed = parse(client.get(SEARCH, {"q": "hygiene", "type": "lesson"}))
    assert "hygiene" in feed.feed.title
    assert feed.feed.link == "http://testserver/search/?q=hygiene&type=lesson"


@pytest.mark.parametrize(
    ("query", "named"),
    [("year_from=abc", "year_from"), ("type=poem", "type"), ("page=0", "page"), ("focus_area=nothing", "focus_area")],
)
def test_bad_search_parameters_get_a_400_that_names_them(client, items, query, named):
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()


def test_search_page_links_its_feed_and_every_page_links_the_latest(client, items):
    response = client.get("/search/", {"q": "hygiene", "type": "lesson"})
    html = lxml.html.fromstring(response.content)
    feeds = {link.get("href") for link in html.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')}
    assert feeds == {LATEST, f"{SEARCH}?q=hygiene&type=lesson"}
    visible = html.xpath('//a[normalize-space()="Atom feed of this search"]')
    # The visible link leads to a readable page about the feed (a browser shows Atom as raw XML).
    assert [a.get("href") for a in visible] == ["/search/feed/?q=hygiene&type=lesson"]
    home = lxml.html.fromstring(client.get("/").content)
    assert home.xpath(f'//head/link[@rel="alternate"][@href="{LATEST}"]')


def test_feeds_cost_the_same_queries_for_more_items(client, items, partnership, django_capture_on_commit_callbacks):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            parse(client.get(url))
        return len(captured)

    queries(LATEST), queries(SEARCH + "?q=hygiene")  # per-process caches (region names) fill on first use
    before = (queries(LATEST), queries(SEARCH + "?q=hygiene"))
    with django_capture_on_commit_callbacks(execute=True):
        other = make_partnership(title="Another partnership", slug="another")
        for n in range(4):
            make_case_study(other, title=f"Hygiene study {n}", authors=[CaseStudyAuthor(person=PersonFactory())])
            make_lesson(other, title=f"Hygiene lesson {n}")
    # The first search after the index changed reloads the vocabulary once: warm it again.
    queries(LATEST), queries(SEARCH + "?q=hygiene")
    assert (queries(LATEST), queries(SEARCH + "?q=hygiene")) == before


# The page in front of a search's feed: the search page's link leads there, not to raw XML.


def test_the_feed_page_says_how_to_subscribe_and_lists_what_the_feed_holds(client, items):
    response = client.get("/search/feed/", {"q": "hygiene"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = lxml.html.fromstring(response.content)
    assert html.xpath("normalize-space(//h1)") == "Follow this search in a feed reader"
    assert html.xpath('//h2[normalize-space()="How to subscribe"]')
    feed = parse(client.get(SEARCH, {"q": "hygiene"}))
    (address,) = html.xpath('//input[@id="feed-address"]/@value')
    assert address == next(link.href for link in feed.feed.links if link.rel == "self")
    assert html.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]/@href') == [
        LATEST,
        f"{SEARCH}?q=hygiene",
    ]
    listed = [a.text_content() for a in html.xpath('//ol[@class="feed-entries"]/li/a')]
    assert listed == [entry.title for entry in feed.entries]
    assert "Hygiene private case" not in listed and "Hygiene draft not yet approved" not in listed
    assert html.xpath('//a[normalize-space()="Back to the search results"]/@href') == ["/search/?q=hygiene"]


def test_the_feed_page_speaks_the_readers_language_and_names_a_bad_parameter(client, items):
    html = lxml.html.fromstring(client.get("/fr/search/feed/", {"q": "hygiene"}).content)
    assert html.get("lang") == "fr"
    assert html.xpath("normalize-space(//h1)") == "Suivre cette recherche dans un lecteur de flux"
    assert html.xpath('//a[normalize-space()="Retour aux résultats de la recherche"]/@href') == [
        "/fr/search/?q=hygiene"
    ]
    response = client.get("/search/feed/?year_from=abc")
    assert response.status_code == 400
    assert "year_from" in lxml.html.fromstring(response.content).xpath("string(//main)")
