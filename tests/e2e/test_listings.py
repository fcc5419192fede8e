"""A reader on a phone (390x844, JavaScript off) sees the first result without scrolling on search
and on every listing, opens the filters, narrows by a facet and takes the filter away again."""

import re

import pytest

PHONE = {"width": 390, "height": 844}
FIRST_RESULT = ".hit, .cards .card"
LISTINGS = {
    "search with two filters": "/search/?q=laboratory&type=case-study&region=africa",
    "library": "/library/",
    "focus area": "/library/focus-areas/quality-and-safety-of-care/",
    "country": "/library/countries/ML/",
}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("language", ["", "/fr"])
def test_the_first_result_is_on_the_first_screen_of_a_phone(demo_site, phone, screenshot, language):
    for name, path in LISTINGS.items():
        assert phone.goto(demo_site.url + language + path).status == 200, name
        first = phone.locator(FIRST_RESULT).first
        box = first.bounding_box()
        # Its type and the start of its title show, not just a pixel of its border.
        assert box["y"] + 40 < PHONE["height"], f"{name}: the first result starts {box['y']:.0f} px down"
        assert not phone.locator("section.facet").first.is_visible(), f"{name}: the filters are open"
        screenshot(phone, f"listing-phone-{name.replace(' ', '-')}{language.replace('/', '-')}")


def test_filters_open_narrow_and_come_off_as_chips_without_javascript(demo_site, phone):
    phone.goto(demo_site.url + "/library/")
    everything = int(phone.locator(".result-count").inner_text().split()[0])
    summary = phone.locator("details.filters > summary")
    assert summary.inner_text().split() == ["Filters", "(0)"]
    summary.click()
    assert phone.locator("section.facet").first.is_visible()
    phone.locator("section.facet").get_by_role(
        "link", name=re.compile(r"^Lessons learned \d+ ?, not selected$")
    ).click()
    assert "type=lesson" in phone.url
    lessons = int(phone.locator(".result-count").inner_text().split()[0])
    assert 0 < lessons < everything
    assert phone.locator("details.filters > summary").inner_text().split() == ["Filters", "(1)"]

    phone.locator("details.filters > summary").click()
    phone.locator("section.facet").get_by_role("link", name=re.compile(r"^Africa \d+ ?, not selected$")).click()
    chips = phone.locator(".filter-chip")
    # What a screen reader says; the eye sees the value and ×.
    assert [" ".join(text.split()) for text in chips.all_text_contents()] == [
        "Remove the filter Type: Lessons learned ×",
        "Remove the filter Region: Africa ×",
    ]
    assert phone.locator(FIRST_RESULT).first.bounding_box()["y"] < PHONE["height"]

    chips.filter(has_text="Lessons learned").click()  # one chip takes its filter away
    assert "type=lesson" not in phone.url and "region=africa" in phone.url
    phone.get_by_role("link", name="Clear all").click()
    assert re.search(r"/library/\??$", phone.url), phone.url
    assert int(phone.locator(".result-count").inner_text().split()[0]) == everything


def test_the_partnership_facet_shows_every_name_whole_without_a_scroll_box(demo_site, reader):
    reader.goto(demo_site.url + "/search/?q=hospital")  # 1280 wide: the filters stand open
    assert reader.locator("section.facet").first.is_visible()
    facet = reader.locator("section.facet", has=reader.get_by_role("heading", name="Partnership", exact=True))
    facet.locator("details.facet-more > summary").click()  # the rest of the partnerships, no JavaScript
    box = facet.bounding_box()
    links = facet.locator("a")
    assert links.count() > 8
    for link in links.all():
        inner = link.bounding_box()
        # Inside the facet's box: nothing cut off at the side, nothing hidden below a scroll.
        assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5
        assert inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5


def test_a_case_studys_outcomes_table_fits_or_scrolls_sideways_on_a_phone(demo_site, phone, screenshot):
    (path,) = demo_site.db.execute(
        """SELECT url_path FROM wagtailcore_page p JOIN knowledge_casestudyoutcome o ON o.page_id = p.id
           WHERE p.live ORDER BY p.id LIMIT 1"""
    ).fetchone()
    phone.goto(demo_site.url + path.removeprefix("/home"))
    table = phone.locator("section.outcomes .table-scroll")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # the page itself never scrolls sideways
    assert table.get_attribute("tabindex") == "0"  # a keyboard can scroll it too
    screenshot(phone, "outcomes-phone")


def test_a_page_past_the_end_is_a_404_that_leads_back(demo_site, reader):
    for path in ("/search/?page=99", "/library/?page=99", "/library/countries/ML/?page=9"):
        response = reader.goto(demo_site.url + path)
        assert response.status == 404, path
        reader.get_by_role("link", name="Go to the first page").click()
        assert reader.locator(FIRST_RESULT).first.is_visible(), path
