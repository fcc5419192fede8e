"""Every page type routes and renders what a reader needs, without JavaScript."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from lxml import html as lxml_html
from wagtail.models import PageViewRestriction

from tests.factories import make_case_study, make_lesson, make_partnership
from tests.sitemaps import sitemap_files

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


def test_library_lists_live_items_newest_first(client, library, one_of_each, partnership, index_now):
    make_case_study(partnership, title="A draft case study", live=False)
    index_now()
    response = client.get(library.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 items" in html
    assert "A draft case study" not in html


def test_library_filters_combine_or_within_and_across(client, library, one_of_each, index_now):
    index_now()
    response = client.get(library.url, {"type": ["case-study", "lesson"]})
    assert "2 items" in response.content.decode()
    response = client.get(library.url, {"type": "case-study", "focus_area": "health-policy"})
    assert "0 items" in response.content.decode()
    response = client.get(library.url, {"region": "africa", "lang": "en"})
    assert "3 items" in response.content.decode()


def facets_of(html: str) -> dict[str, dict[str, str]]:
    """Each facet's values as label -> count, as the filters show them."""
    tree = lxml_html.fromstring(html)
    return {
        section.findtext("h2"): {
            link.find_class("facet-label")[0].text_content(): link.find_class("count")[0].text_content()
            for link in section.iter("a")
        }
        for section in tree.find_class("facet")
    }


def test_library_filters_are_the_search_facets_with_counts_and_no_dead_values(client, library, one_of_each, index_now):
    index_now()
    html = client.get(library.url).content.decode()
    facets = facets_of(html)
    assert facets["Type"] == {"Case studies": "1", "Lessons learned": "1", "Testimonials": "1"}
    assert facets["Region"] == {"Africa": "3"}  # no Europe or Oceania: nothing there to find
    assert facets["Country"] == {"Mali": "3"}
    # Behind a disclosure that works without JavaScript, saying how many filters are in force.
    tree = lxml_html.fromstring(html)
    (summary,) = tree.xpath("//details[contains(@class, 'filters')]/summary")
    assert " ".join(summary.text_content().split()) == "Filters (0)"

    narrowed = client.get(library.url, {"type": "lesson", "region": "africa"}).content.decode()
    tree = lxml_html.fromstring(narrowed)
    (summary,) = tree.xpath("//details[contains(@class, 'filters')]/summary")
    assert " ".join(summary.text_content().split()) == "Filters (2)"
    assert facets_of(narrowed)["Country"] == {"Mali": "1"}  # counts follow the filters in force
    chips = {" ".join(a.text_content().split()): a.get("href") for a in tree.find_class("filter-chip")}
    assert chips == {
        "Remove the filter Type: Lessons learned ×": "?region=africa",
        "Remove the filter Region: Africa ×": "?type=lesson",
    }
    (clear,) = tree.find_class("clear-all")
    assert clear.text_content() == "Clear all" and clear.get("href") == "?"


@pytest.mark.parametrize(
    "query",
    [
        {"type": "podcast"},
        {"focus_area": "cooking"},
        {"country": "XX"},
        {"region": "europa"},
        {"year_from": "abc"},
        {"year_from": "2020", "year_to": "2010"},
        {"page": "-1"},
        {"page_size": "7"},
    ],
)
def test_bad_library_filters_get_a_400_that_says_why(client, library, one_of_each, query):
    for url in (library.url, f"{library.url}focus-areas/health-policy/", f"{library.url}countries/ml/"):
        response = client.get(url, query)
        assert response.status_code == 400
        html = response.content.decode()
        assert "These filters could not be used" in html
        assert next(iter(query)).split("_")[0] in html  # names the parameter


def test_a_page_past_the_end_of_a_listing_is_a_404_that_leads_back(client, library, one_of_each, index_now):
    index_now()
    for url in (library.url, f"{library.url}focus-areas/quality-and-safety-of-care/", f"{library.url}countries/ML/"):
        assert client.get(url, {"page": 1}).status_code == 200
        response = client.get(url, {"page": 2, "type": "lesson"})
        assert response.status_code == 404
        tree = lxml_html.fromstring(response.content.decode())
        (notice,) = tree.find_class("notice")
        assert "There is no page 2: this list has 1 page." in " ".join(notice.text_content().split())
        assert [a.get("href") for a in notice.iter("a")] == ["?type=lesson"]


def test_an_empty_listing_offers_the_next_steps(client, library, one_of_each, index_now):
    index_now()
    response = client.get(f"{library.url}countries/ML/", {"type": "lesson", "lang": "fr"})
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    (steps,) = tree.find_class("next-steps")
    links = {" ".join(a.text_content().split()): a.get("href") for a in steps.iter("a")}
    assert links == {
        "Remove the filter Type: Lessons learned": "?lang=fr",
        "Remove the filter Language: French": "?type=lesson",
        "Browse by focus area": f"{library.url}focus-areas/",
        "Browse by country": f"{library.url}countries/",
    }


def test_focus_area_country_and_partnership_listings(client, library, one_of_each, index_now):
    index_now()
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


def test_a_focus_area_listing_narrows_by_the_other_facets(client, library, one_of_each, index_now):
    index_now()
    url = f"{library.url}focus-areas/quality-and-safety-of-care/"
    html = client.get(url).content.decode()
    assert "Focus area" not in facets_of(html)  # the page is the focus area
    assert "3 items" in html
    html = client.get(url, {"type": "testimonial"}).content.decode()
    assert "1 item" in html and "A lab manager speaks" in html


def test_the_focus_area_index_lists_the_five_areas_with_counts(client, library, one_of_each):
    response = client.get(f"{library.url}focus-areas/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    areas = {
        li.findtext("h2/a"): (li.find("h2/a").get("href"), li.find_class("count")[0].text_content())
        for li in tree.find_class("index-list")[0].findall("li")
    }
    assert len(areas) == 5
    assert areas["Quality and safety of care"] == (
        f"{library.url}focus-areas/quality-and-safety-of-care/",
        "3 items",
    )
    assert areas["Health policy"][1] == "0 items"
    french = client.get(f"/fr{library.url}focus-areas/").content.decode()
    assert "<h1>Domaines d’action</h1>" in french


def test_the_country_index_groups_countries_with_items_by_region(client, library, partnership, one_of_each):
    make_case_study(partnership, countries=["KE", "FR"])
    response = client.get(f"{library.url}countries/")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    regions = {
        section.get("id"): {
            a.text_content(): (a.get("href"), li.find_class("count")[0].text_content())
            for li in section.find_class("country-list")[0].findall("li")
            for a in li.findall("a")
        }
        for section in tree.find_class("region")
    }
    assert regions == {
        "region-africa": {
            "Kenya": (f"{library.url}countries/KE/", "1 item"),
            "Mali": (f"{library.url}countries/ML/", "3 items"),
        },
        "region-europe": {"France": (f"{library.url}countries/FR/", "1 item")},
    }
    assert "Afrique" in client.get(f"/fr{library.url}countries/").content.decode()


def test_every_listing_breadcrumb_links(client, library, one_of_each, index_now):
    index_now()
    for url, crumbs in (
        (f"{library.url}focus-areas/health-policy/", [library.url, f"{library.url}focus-areas/"]),
        (
            f"{library.url}countries/ML/",
            [library.url, f"{library.url}countries/", f"{library.url}countries/#region-africa"],
        ),
        (f"{library.url}focus-areas/", [library.url]),
        (f"{library.url}countries/", [library.url]),
        (f"{library.url}in-numbers/", [library.url]),
        (f"{library.url}partnerships/", [library.url]),
    ):
        tree = lxml_html.fromstring(client.get(url).content.decode())
        (nav,) = tree.find_class("breadcrumbs")
        assert [a.get("href") for a in nav.iter("a")] == crumbs, url
        assert not nav.text_content().strip().endswith("›"), url


def test_the_sitemap_names_the_focus_area_and_country_indexes(client, library, one_of_each):
    sitemap = "".join(content.decode() for content in sitemap_files(client))
    for suffix in ("focus-areas/", "countries/", "in-numbers/"):
        assert f"<loc>http://testserver{library.url}{suffix}</loc>" in sitemap


def test_the_partnerships_list_shows_a_partnership_as_soon_as_it_is_published(client, library, partnership):
    assert "1 partnership publishes here." in client.get(f"{library.url}partnerships/").content.decode()
    make_partnership(library, title="Porto–Maputo pharmacy partnership")
    html = client.get(f"{library.url}partnerships/").content.decode()
    assert "2 partnerships publish here." in html
    assert "Porto–Maputo pharmacy partnership" in html
    french = client.get(f"/fr{library.url}partnerships/").content.decode()
    assert "2 partenariats publient ici." in french  # cached apart for each language


def test_listing_counts_follow_publication_and_withdrawal(client, library, partnership, one_of_each, index_now):
    url = f"{library.url}countries/ml/"
    index_now()
    assert "3 items" in client.get(url).content.decode()
    extra = make_case_study(partnership, countries=["ML"])
    index_now()
    assert "4 items" in client.get(url).content.decode()
    extra.unpublish()
    index_now()
    assert "3 items" in client.get(url).content.decode()


def test_a_focus_area_lists_a_partnership_working_on_it_as_soon_as_it_is_published(client, library, partnership):
    url = f"{library.url}focus-areas/health-policy/"
    assert "Porto–Maputo pharmacy partnership" not in client.get(url).content.decode()
    make_partnership(library, title="Porto–Maputo pharmacy partnership", focus=("health-policy",))
    assert "Porto–Maputo pharmacy partnership" in client.get(url).content.decode()


def test_private_items_stay_out_of_listings(client, library, partnership, one_of_each, index_now):
    secret = make_case_study(partnership, title="Restricted to the steering group")
    index_now()  # indexed while public: the listing reads the database again before showing a card
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    assert "Restricted to the steering group" not in client.get(library.url).content.decode()
    assert "Restricted to the steering group" not in client.get(partnership.url).content.decode()


def test_listing_pages_make_the_same_number_of_queries_for_more_items(client, library, queries_for, index_now):
    partnership = make_partnership(library)
    urls = (
        library.url,
        f"{library.url}focus-areas/health-policy/",
        f"{library.url}countries/KE/",
        f"{library.url}focus-areas/",
        f"{library.url}countries/",
        partnership.url,
        "/",
    )

    def cold_and_warm(url: str) -> tuple[int, int]:
        cache.clear()
        cold = queries_for(url)  # computing what is kept until content changes
        return cold, queries_for(url)

    make_case_study(partnership, countries=["KE"], focus=("health-policy",))
    index_now()
    for url in urls:
        client.get(url)  # per-process caches (content types, site root paths) fill once
    small = {url: cold_and_warm(url) for url in urls}
    for _ in range(8):
        make_case_study(partnership, countries=["KE", "UG"], focus=("health-policy", "health-workforce-capacity"))
    index_now()
    assert "9 items" in client.get(library.url).content.decode()
    large = {url: cold_and_warm(url) for url in urls}
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
