"""/library/in-numbers/: figures counted from what is published, each linking to the search that
finds what it counts, and the same table as CSV; the counts agree with the search facets."""

import csv
import io
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from lxml import html as lxml_html
from wagtail.models import PageViewRestriction

from knowledge.models import PartnershipPage
from tests.factories import make_case_study, make_lesson, make_partnership, make_testimonial

pytestmark = pytest.mark.django_db


def figures_csv(client, library):
    response = client.get(f"{library.url}in-numbers/figures.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def counts(rows, group):
    return {row["key"]: int(row["count"]) for row in rows if row["group"] == group}


@pytest.fixture
def content(library, django_capture_on_commit_callbacks):
    # Indexed on commit, as in production, so the search facets see the same content.
    with django_capture_on_commit_callbacks(execute=True):
        bamako = make_partnership(library, south_country="ML")
        kisumu = make_partnership(library, south_country="KE", north_country="DE")
        make_case_study(bamako, focus=("health-policy",), countries=["ML"], publication_date=date(2021, 3, 1))
        make_case_study(
            kisumu,
            focus=("health-policy", "quality-and-safety-of-care"),
            countries=["KE", "FR"],
            publication_date=date(2023, 3, 1),
        )
        make_lesson(kisumu, focus=("quality-and-safety-of-care",), countries=["KE"], publication_date=date(2023, 5, 1))
        make_testimonial(bamako, countries=["ML", "SN"], publication_date=date(2024, 1, 1))
        make_case_study(bamako, title="A draft", live=False, publication_date=date(2019, 1, 1))
        private = make_lesson(kisumu, focus=("health-policy",), countries=["BR"], publication_date=date(2018, 1, 1))
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")


def test_the_figures_match_the_search_facets(client, library, content):
    rows = figures_csv(client, library)
    response = client.get("/api/search/")
    assert response.status_code == 200
    facets = {
        name: {option["value"]: option["count"] for option in options}
        for name, options in response.json()["facets"].items()
    }
    assert response.json()["total"] == 4
    for group, facet in (("type", "type"), ("focus_area", "focus_area"), ("region", "region"), ("year", "year")):
        ours = counts(rows, group)
        assert {key: n for key, n in ours.items() if n} == facets[facet], group
    # Drafts and private items are counted nowhere.
    assert counts(rows, "total")["items"] == 4
    assert "2019" not in counts(rows, "year") and "2018" not in counts(rows, "year")
    assert "americas" not in counts(rows, "region")
    assert counts(rows, "total")["partnerships"] == 2
    assert counts(rows, "total")["institutions"] == 4


def test_each_figure_links_to_the_search_that_produced_it(client, library, content):
    for row in figures_csv(client, library):
        if row["group"] == "total" and row["key"] != "items":
            continue
        url = urlsplit(row["url"])
        assert url.path == "/search/"
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        response = client.get("/api/search/", query)
        assert response.json()["total"] == int(row["count"]), row


def test_the_page_shows_the_figures_with_their_links_and_the_csv(client, library, content):
    response = client.get(f"{library.url}in-numbers/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    [link] = tree.xpath('//tr[@data-figure="focus_area:health-policy"]//a')
    assert link.text == "2" and link.get("href") == "/search/?focus_area=health-policy"
    [link] = tree.xpath('//tr[@data-figure="year:2023"]//a')
    assert link.text == "2" and link.get("href") == "/search/?year_from=2023&year_to=2023"
    [link] = tree.xpath('//tr[@data-figure="region:africa"]//a')
    assert link.text == "4" and link.get("href") == "/search/?region=africa"
    [link] = tree.xpath('//tr[@data-figure="type:case-study"]//a')
    assert link.text == "2" and link.get("href") == "/search/?type=case-study"
    assert tree.xpath(f'//a[@href="{library.url}in-numbers/figures.csv"]')


def test_in_numbers_is_linked_from_the_footer_and_the_home_figures(client, library):
    for url in ("/", library.url):
        tree = lxml_html.fromstring(client.get(url).content)
        assert tree.xpath(f'//footer//a[@href="{library.url}in-numbers/"]')
    tree = lxml_html.fromstring(client.get("/").content)
    assert tree.xpath(f'//main//a[@href="{library.url}in-numbers/"]')


def test_in_numbers_makes_the_same_number_of_queries_for_more_content(client, library, queries_for):
    partnership = make_partnership(library)

    make_case_study(partnership)
    urls = (f"{library.url}in-numbers/", f"{library.url}in-numbers/figures.csv")
    client.get(urls[0])

    def computed_afresh(url) -> int:
        cache.clear()  # the figures are cached: count the queries that compute them
        return queries_for(url)

    small = [computed_afresh(url) for url in urls]
    other = make_partnership(library, south_country="ML")
    for year in range(2015, 2022):
        make_lesson(other, countries=["ML", "BR"], focus=("health-policy",), publication_date=date(year, 1, 1))
    assert [computed_afresh(url) for url in urls] == small


def test_the_figures_are_cached_until_something_is_published(client, library, queries_for):
    partnership = make_partnership(library)
    make_case_study(partnership)

    def items_figure() -> str:
        tree = lxml_html.fromstring(client.get(f"{library.url}in-numbers/").content)
        return tree.xpath('//tr[@data-figure="total:items"]//a')[0].text

    assert items_figure() == "1"
    served_from_the_cache = queries_for(f"{library.url}in-numbers/")
    cache.clear()
    assert served_from_the_cache < queries_for(f"{library.url}in-numbers/") - 5
    make_case_study(partnership)
    assert items_figure() == "2"


def test_a_partnership_cannot_take_the_in_numbers_slug():
    page = PartnershipPage(title="x", slug="in-numbers", summary="x", start_year=2010)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "slug" in error.value.message_dict


def test_in_numbers_answers_in_french_with_french_search_links(client, library, content):
    response = client.get(f"/fr{library.url}in-numbers/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    [link] = tree.xpath('//tr[@data-figure="focus_area:health-policy"]//a')
    assert link.get("href") == "/fr/search/?focus_area=health-policy"
    assert client.get(f"/fr{library.url}in-numbers/figures.csv").status_code == 200
