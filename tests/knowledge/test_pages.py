"""Every page type routes and renders what a reader needs, without JavaScript."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from lxml import html as lxml_html

from tests.factories import make_case_study, make_lesson, make_partnership

pytestmark = pytest.mark.django_db


def test_case_study_page_shows_its_content_outcomes_and_licence(client, one_of_each):
    case_study = one_of_each["case_study"]
    response = client.get(case_study.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cutting surgical site infections in Bamako" in html
    assert "Hand hygiene audits on every ward" in html
    assert "<h2>What we did</h2>" in html
    assert "Surgical site infections" in html and "12 %" in html and "5 %" in html
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "Lyon–Bamako laboratory partnership" in html
    # No script but the optional Copy buttons of the Cite panel: the page works without it.
    body = html.split("<body", 1)[1].replace("wagtail-userbar", "")
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/copy.js" defer>']


def test_lesson_page_shows_each_part_of_the_lesson(client, one_of_each):
    response = client.get(one_of_each["lesson"].url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Mentors on the ward beat workshops.", "What worked", "What did not work", "Recommendation"):
        assert text in html


def test_testimonial_page_shows_the_quote_and_speaker(client, one_of_each):
    testimonial = one_of_each["testimonial"]
    response = client.get(testimonial.url)
    assert response.status_code == 200
    assert "We stopped losing samples." in response.content.decode()
    assert testimonial.speaker.name in response.content.decode()


def test_partnership_page_lists_its_items_by_type_and_hides_drafts(client, partnership, one_of_each):
    make_case_study(partnership, title="An unfinished draft", live=False)
    response = client.get(partnership.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Case studies" in html and "Lessons learned" in html and "Testimonials" in html
    assert "Cutting surgical site infections in Bamako" in html
    assert "An unfinished draft" not in html
    assert "Mali" in html


def test_a_large_partnership_shows_its_newest_items_of_each_type_and_links_to_the_rest(
    client, library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # indexed on commit, as in production
        partnership = make_partnership(library)
        for day in range(1, 10):
            make_case_study(partnership, title=f"Case study of day {day}", publication_date=datetime.date(2024, 3, day))
        make_lesson(partnership, title="The only lesson")
    tree = lxml_html.fromstring(client.get(partnership.url).content)

    [case_studies] = tree.xpath('//section[@aria-labelledby="section-case-study"]')
    titles = [" ".join(card.text_content().split()) for card in case_studies.xpath(".//h3")]
    assert titles == [f"Case study of day {day}" for day in range(9, 3, -1)]  # the six newest
    assert case_studies.xpath('.//span[@class="count"]')[0].text == "9"
    [link] = case_studies.xpath('.//p[@class="more"]/a')
    assert "All 9 case studies" in link.text_content()
    response = client.get("/api/search/", parse_qs(urlsplit(link.get("href")).query))
    assert response.json()["total"] == 9

    [lessons] = tree.xpath('//section[@aria-labelledby="section-lesson"]')
    assert "The only lesson" in lessons.text_content()
    assert not lessons.xpath('.//p[@class="more"]')


def test_library_lists_live_items_newest_first(client, library, one_of_each, partnership):
    make_case_study(partnership, title="A draft case study", live=False)
    response = client.get(library.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 items" in html
    assert "A draft case study" not in html


def test_library_filters_combine_or_within_and_across(client, library, one_of_each):
    response = client.get(library.url, {"type": ["case-study", "lesson"]})
    assert "2 items" in response.content.decode()
    response = client.get(library.url, {"type": "case-study", "focus_area": "health-policy"})
    assert "0 items" in response.content.decode()
    response = client.get(library.url, {"region": "africa", "lang": "en"})
    assert "3 items" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"type": "podcast"},
        {"focus_area": "cooking"},
        {"country": "XX"},
        {"year_from": "abc"},
        {"year_from": "2020", "year_to": "2010"},
        {"page": "-1"},
    ],
)
def test_bad_library_filters_get_a_400_that_says_why(client, library, one_of_each, query):
    response = client.get(library.url, query)
    assert response.status_code == 400
    assert "These filters could not be used" in response.content.decode()


def test_focus_area_country_and_partnership_listings(client, library, one_of_each):
    response = client.get(f"{library.url}focus-areas/quality-and-safety-of-care/")
    assert response.status_code == 200
    assert "Cutting surgical site infections in Bamako" in response.content.decode()
    response = client.get(f"{library.url}countries/ml/")
    assert response.status_code == 200
    assert "3 items" in response.content.decode()
    response = client.get(f"{library.url}partnerships/")
    assert "Lyon–Bamako laboratory partnership" in response.content.decode()
    assert client.get(f"{library.url}focus-areas/cooking/").status_code == 404
    assert client.get(f"{library.url}countries/XX/").status_code == 404


def test_the_partnerships_list_shows_a_partnership_as_soon_as_it_is_published(client, library, partnership):
    assert "1 partnership publishes here." in client.get(f"{library.url}partnerships/").content.decode()
    make_partnership(library, title="Porto–Maputo pharmacy partnership")
    html = client.get(f"{library.url}partnerships/").content.decode()
    assert "2 partnerships publish here." in html
    assert "Porto–Maputo pharmacy partnership" in html
    french = client.get(f"/fr{library.url}partnerships/").content.decode()
    assert "2 partenariats publient ici." in french  # cached apart for each language


def test_listing_counts_follow_publication_and_withdrawal(client, library, partnership, one_of_each):
    url = f"{library.url}countries/ml/"
    assert "3 items" in client.get(url).content.decode()
    extra = make_case_study(partnership, countries=["ML"])
    assert "4 items" in client.get(url).content.decode()
    extra.unpublish()
    assert "3 items" in client.get(url).content.decode()


def test_a_focus_area_lists_a_partnership_working_on_it_as_soon_as_it_is_published(client, library, partnership):
    url = f"{library.url}focus-areas/health-policy/"
    assert "Porto–Maputo pharmacy partnership" not in client.get(url).content.decode()
    make_partnership(library, title="Porto–Maputo pharmacy partnership", focus=("health-policy",))
    assert "Porto–Maputo pharmacy partnership" in client.get(url).content.decode()


def test_private_items_stay_out_of_listings(client, library, partnership, one_of_each):
    from wagtail.models import PageViewRestriction

    secret = make_case_study(partnership, title="Restricted to the steering group")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    assert "Restricted to the steering group" not in client.get(library.url).content.decode()
    assert "Restricted to the steering group" not in client.get(partnership.url).content.decode()


def test_listing_pages_make_the_same_number_of_queries_for_more_items(client, library, queries_for):
    partnership = make_partnership(library)

    def cold_and_warm(url: str) -> tuple[int, int]:
        cache.clear()
        cold = queries_for(url)  # computing what is kept until content changes
        return cold, queries_for(url)

    make_case_study(partnership)
    for url in (library.url, partnership.url, "/"):
        client.get(url)  # per-process caches (content types, site root paths) fill once
    small = {url: cold_and_warm(url) for url in (library.url, partnership.url, "/")}
    for _ in range(8):
        make_case_study(partnership, countries=["KE", "UG"], focus=("health-policy", "health-workforce-capacity"))
    large = {url: cold_and_warm(url) for url in (library.url, partnership.url, "/")}
    assert large == small


def test_pages_answer_under_the_french_prefix_until_translated(client, one_of_each):
    # Untranslated pages are served under /fr/ in the default locale's content, French chrome.
    response = client.get("/fr" + one_of_each["case_study"].url)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Cutting surgical site infections in Bamako" in response.content.decode()


def test_french_readers_see_focus_areas_and_regions_in_french(client, one_of_each):
    page = client.get("/fr" + one_of_each["case_study"].url).content.decode()
    assert "Politiques de santé" in page or "Qualité et sécurité des soins" in page
    focus = client.get("/fr/library/focus-areas/health-policy/").content.decode()
    assert "<h1>Politiques de santé</h1>" in focus
    api = client.get("/fr/search/", {"region": "africa"}).content.decode()
    assert "Afrique" in api
    assert "Health policy" in client.get("/library/focus-areas/health-policy/").content.decode()
