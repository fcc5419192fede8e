import datetime
import re

import pytest

from home.models import HomePageFeaturedItem, HomePageTestimonial, StandardPage
from tests.factories import home_page, make_case_study, make_partnership, make_testimonial, publish

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, int]:
    block = html.split('class="figures"', 1)[1].split("</ul>", 1)[0]
    return {
        label: int(number.replace(",", ""))
        for number, label in re.findall(r"<strong>([\d,]+)</strong>\s*([a-z ]+)", block)
    }


def test_home_figures_are_computed_from_what_is_published(client, library):
    first = make_partnership(library, start_year=2002, north_country="FR", south_country="ML")
    second = make_partnership(library, start_year=2015, north_country="DE", south_country="KH")
    make_case_study(first)
    make_case_study(second, countries=["LA"])
    make_case_study(second, live=False)
    shown = figures(client.get("/").content.decode())
    assert shown["partnerships"] == 2
    assert shown["case studies"] == 2
    # FR, ML, DE, KH from the institutions, LA from a case study.
    assert shown["countries"] == 5
    assert shown["years of partnership"] == datetime.date.today().year - 2002

    second.unpublish()
    shown = figures(client.get("/").content.decode())
    assert shown["partnership"] == 1

    # The figures are kept between requests, until the next publication.
    make_partnership(library, start_year=2010, north_country="BE", south_country="SN")
    shown = figures(client.get("/").content.decode())
    assert shown["partnerships"] == 2
    assert shown["countries"] == 5  # FR, ML (first), BE, SN (the new one) and LA (a case study still live)


def test_featured_items_come_first_in_the_editors_order(client, partnership):
    older = make_case_study(partnership, title="Chosen first", publication_date=datetime.date(2010, 1, 1))
    newer = make_case_study(partnership, title="Chosen second")
    home = home_page()
    home.featured_items = [HomePageFeaturedItem(item=older), HomePageFeaturedItem(item=newer)]
    home.save_revision().publish()
    html = client.get("/").content.decode()
    featured = html.split('id="featured-heading"', 1)[1].split("</section>", 1)[0]
    assert featured.index("Chosen first") < featured.index("Chosen second")


def test_testimonial_carousel_works_without_javascript(client, partnership):
    chosen = make_testimonial(partnership, quote="Our ward has not run out of gloves since.")
    make_testimonial(partnership, quote="Nobody picked this one.")
    html = client.get("/").content.decode()
    # Without a choice, the latest testimonials; every slide reachable by an in-page link.
    assert "Nobody picked this one." in html and 'href="#voice-2"' in html and 'id="voice-2"' in html
    home = home_page()
    home.featured_testimonials = [HomePageTestimonial(testimonial=chosen)]
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert "Our ward has not run out of gloves since." in html
    assert "Nobody picked this one." not in html
    assert "<script" not in html


def test_focus_areas_show_with_their_item_counts(client, partnership):
    make_case_study(partnership, focus=("health-policy",))
    make_case_study(partnership, focus=("health-policy", "health-information-systems"))
    html = client.get("/").content.decode()
    areas = html.split('id="areas-heading"', 1)[1].split("</section>", 1)[0]
    assert areas.count("<li>") == 5
    names = re.findall(r"<strong>([^<]+)</strong>", areas)
    assert names[0] == "Quality and safety of care" and names[-1] == "Health policy"
    policy = areas.split("Health policy", 1)[1]
    assert "2 items" in policy.split("</li>", 1)[0]


def test_content_pages_render(client):
    page = publish(home_page(), StandardPage(title="About the Knowledge Hub", slug="about", introduction="Who we are."))
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Who we are." in response.content.decode()
    # The navigation now links to it.
    assert 'href="/about/"' in client.get("/").content.decode()


def test_the_navigation_follows_what_is_published_after_it_was_shown(client, library):
    assert 'href="/about/"' not in client.get("/").content.decode()  # the navigation, now kept
    about = publish(home_page(), StandardPage(title="About the Hub", slug="about", introduction="Who we are."))
    assert 'href="/about/"' in client.get("/").content.decode()
    assert 'href="/fr/about/"' in client.get("/fr/").content.decode()  # each language's own
    about.unpublish()
    assert 'href="/about/"' not in client.get("/").content.decode()


def test_every_page_title_names_the_site(client, library):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    site.site_name = "Hub of Partnerships"
    site.save()
    assert re.search(r"<title>[^<]* · Hub of Partnerships</title>", client.get("/").content.decode())
    assert re.search(r"<title>[^<]* · Hub of Partnerships</title>", client.get("/search/").content.decode())
