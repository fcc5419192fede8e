"""A reader with a keyboard and no mouse: the skip link comes first and moves focus to the content,
every element that takes focus shows it, and the search's facets and sort, an item's Cite panel
and the feed page's address work with keys alone (open, choose, copy)."""

import re
import urllib.request

import feedparser
import pytest

from .page_types import page_types

MAX_TABS = 400  # more stops than any demo page has: a page that traps focus fails instead of hanging

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return {
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute('aria-label') || element.innerText || element.value || '').trim().slice(0, 60),
    href: element.getAttribute('href'),
    ring,
    inMain: !!element.closest('main'),
  };
}"""


@pytest.fixture
def keyboard_reader(chromium, demo_site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_site.url)
    page = context.new_page()
    yield page
    context.close()


def tab_until(page, matches, limit: int = MAX_TABS, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies `matches`; return what is focused."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            return focused
    raise AssertionError("never reached with the keyboard")


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("name", ["home", "case study", "search", "library"])
def test_the_skip_link_comes_first_and_every_focus_is_visible(demo_site, keyboard_reader, name):
    page = keyboard_reader
    page.goto(demo_site.url + page_types(demo_site)[name])
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["name"] == "Skip to content" and first["ring"], first
    box = page.locator(".skip-link").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, "the skip link is off-screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"], "the next Tab after the skip link is not in the content"

    # From the top again, every stop shows a focus ring, until focus leaves the page.
    page.reload()
    stops = []
    while len(stops) < MAX_TABS:
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        stops.append(focused)
    else:
        raise AssertionError(f"focus never left the page after {MAX_TABS} tabs")
    assert len(stops) > 10
    assert [stop for stop in stops if not stop["ring"]] == []


def test_the_search_facets_and_sort_work_with_the_keyboard_alone(demo_site, keyboard_reader):
    page = keyboard_reader
    page.goto(demo_site.url + page_types(demo_site)["search"])
    everything = int(re.search(r"\d+", page.locator(".result-count").inner_text()).group())

    # A facet value: a link (Enter follows it) or a checkbox (Space ticks it, then its form is sent).
    focused = tab_until(page, lambda f: f["name"].startswith("Lessons learned") or "Lessons learned" in f["name"])
    if focused["tag"] == "input":
        page.keyboard.press("Space")
        tab_until(page, lambda f: f["tag"] == "button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "type=lesson" in page.url
    narrowed = int(re.search(r"\d+", page.locator(".result-count").inner_text()).group())
    assert 0 < narrowed < everything

    # Sort: choose "Newest" in the select with the arrow keys, then send it.
    tab_until(page, lambda f: f["tag"] == "select")
    page.keyboard.press("ArrowDown")
    tab_until(page, lambda f: f["tag"] == "button" and f["name"] == "Sort")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "sort=newest" in page.url and "type=lesson" in page.url


def test_the_cite_panel_opens_copies_and_downloads_with_the_keyboard(demo_site, keyboard_reader):
    page = keyboard_reader
    page.goto(demo_site.url + page_types(demo_site)["case study"])
    panel = page.locator("details.cite-panel")
    tab_until(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    assert panel.evaluate("details => details.open")

    tab_until(page, lambda f: f["name"] == "Copy the Vancouver citation", limit=3)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert clipboard(page) == page.locator("#cite-vancouver-text").inner_text().strip()

    tab_until(page, lambda f: f["name"] == "Copy the APA citation", limit=3)
    page.keyboard.press("Space")
    page.wait_for_function(
        "text => navigator.clipboard.readText().then(t => t === text)",
        arg=page.locator("#cite-apa-text").inner_text().strip(),
    )

    permalink = tab_until(page, lambda f: f["tag"] == "a" and "/k/" in (f["href"] or ""), limit=3)["href"]
    tab_until(page, lambda f: f["name"] == "Copy the permanent link", limit=2)
    page.keyboard.press("Enter")
    page.wait_for_function("text => navigator.clipboard.readText().then(t => t === text)", arg=permalink)

    tab_until(page, lambda f: f["name"] == "BibTeX", limit=3)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".bib")
    assert download.value.path().read_text(encoding="utf-8").lstrip().startswith("@")


def test_the_feed_link_explains_the_feed_and_its_address_copies_into_a_feed_reader(demo_site, keyboard_reader):
    page = keyboard_reader
    page.goto(demo_site.url + page_types(demo_site)["search"])
    tab_until(page, lambda f: f["name"] == "Atom feed of this search")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A page a person can read, in the site's layout, not raw XML.
    assert page.evaluate("document.contentType") == "text/html"
    assert page.get_by_role("heading", level=1).inner_text() == "Follow this search in a feed reader"
    assert page.get_by_role("heading", name="How to subscribe").is_visible()

    tab_until(page, lambda f: f["name"] == "Copy the address")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    address = clipboard(page)
    assert address == page.get_by_label("Feed address").input_value()
    assert address.startswith(demo_site.url + "/feeds/search.atom?")

    # The copied address is what a feed reader reads: a valid Atom feed with the entries the page lists.
    with urllib.request.urlopen(address, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.read())
    assert not feed.bozo, feed.bozo_exception
    listed = page.locator(".feed-entries li > a").all_inner_texts()
    assert listed and [entry.title for entry in feed.entries] == listed
