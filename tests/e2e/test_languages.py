"""A reader moves between the four interface languages with the switcher, on a phone and a desktop."""

import pytest

from tests.e2e.test_reading import public_path

LANGUAGES = {"en": "English", "fr": "Français", "pt": "Português", "es": "Español"}
HOME_HEADINGS = {
    "en": "What health partnerships have learned, shared openly",
    "fr": "Ce que les partenariats en santé ont appris, partagé ouvertement",
    "pt": "O que as parcerias em saúde aprenderam, partilhado abertamente",
    "es": "Lo que las asociaciones en salud han aprendido, compartido abiertamente",
}


@pytest.mark.parametrize("width", [390, 1280])
def test_a_reader_switches_language_both_ways_on_a_case_study(demo_site, chromium, screenshot, width):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 844})
    reader = context.new_page()
    path = public_path(
        demo_site,
        """SELECT url_path FROM wagtailcore_page p JOIN knowledge_casestudypage c ON p.id = c.knowledgeitempage_ptr_id
           WHERE p.live ORDER BY p.id LIMIT 1""",
    )
    reader.goto(demo_site.url + "/pt" + path)
    title = reader.get_by_role("heading", level=1).inner_text()
    for target in ("es", "en", "fr", "pt"):
        reader.get_by_role("navigation", name=reader.locator("nav.language").get_attribute("aria-label")).get_by_role(
            "link", name=LANGUAGES[target]
        ).click()
        expected = path if target == "en" else f"/{target}{path}"
        assert reader.url == demo_site.url + expected
        assert reader.locator("html").get_attribute("lang") == target
        assert reader.get_by_role("heading", level=1).inner_text() == title  # the same item
        assert reader.locator("nav.language a[aria-current]").get_attribute("hreflang") == target
        if target in ("pt", "es"):
            screenshot(reader, f"case-study-{target}-{width}")
    context.close()


@pytest.mark.parametrize("language", ["pt", "es"])
def test_the_home_page_library_and_search_read_in_portuguese_and_spanish(demo_site, chromium, screenshot, language):
    for width in (390, 1280):
        context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 844})
        reader = context.new_page()
        reader.goto(f"{demo_site.url}/{language}/")
        assert reader.get_by_role("heading", level=1).inner_text() == HOME_HEADINGS[language]
        screenshot(reader, f"home-{language}-{width}")
        reader.locator("nav[aria-label] a").first.click()  # the library, in the main navigation
        assert reader.url == f"{demo_site.url}/{language}/library/"
        screenshot(reader, f"library-{language}-{width}")
        reader.goto(f"{demo_site.url}/{language}/search/?q=laboratorio")
        assert reader.locator("html").get_attribute("lang") == language
        first = reader.locator(".hit-title a").first.get_attribute("href")
        assert first.startswith(f"/{language}/"), first
        screenshot(reader, f"search-{language}-{width}")
        context.close()


# The placeholder's width as the input draws it: its font, measured on a canvas, against the
# input's inner width (CSP allows Playwright's evaluation, not scripts from the page).
PLACEHOLDER_FIT = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [input.placeholder, context.measureText(input.placeholder).width, room];
}"""


def test_the_header_search_placeholder_fits_its_box_on_a_phone_in_every_language(demo_site, chromium):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    reader = context.new_page()
    for language in LANGUAGES:
        reader.goto(demo_site.url + ("/" if language == "en" else f"/{language}/"))
        placeholder, text, room = reader.eval_on_selector("#site-search-q", PLACEHOLDER_FIT)
        assert placeholder and text <= room, (language, placeholder, round(text), round(room))
    context.close()
