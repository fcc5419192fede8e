"""A French reader on the demo site reads a translated case study in French, and an untranslated one
in English, marked as such, on a phone and a desktop."""

import pytest

TRANSLATED = "/fr/library/luxembourg-bouake-surgical-safety/bouake-surgical-hand-rub-antisepsis/"
UNTRANSLATED = "/fr/library/luxembourg-bouake-surgical-safety/bouake-surgical-site-infection-surveillance/"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_french_reader_reads_the_translation_and_sees_which_items_are_in_english(
    demo_site, chromium, screenshot, width
):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 844})
    reader = context.new_page()
    reader.goto(demo_site.url + TRANSLATED)
    title = reader.get_by_role("heading", level=1)
    assert title.inner_text().startswith("Désinfection chirurgicale des mains par friction hydroalcoolique")
    assert title.get_attribute("lang") == "fr"
    assert reader.locator("html").get_attribute("lang") == "fr"
    assert reader.locator(".content-language").count() == 0
    assert reader.get_by_role("heading", level=2, name="Ce que nous avons fait").is_visible()
    screenshot(reader, f"translated-case-study-fr-{width}")
    # The partnership, in French, one click away.
    reader.locator("nav.breadcrumbs a[lang]").click()
    assert reader.url == demo_site.url + "/fr/library/luxembourg-bouake-surgical-safety/"
    assert reader.get_by_role("heading", level=1).inner_text().startswith("Partenariat Luxembourg–Bouaké")

    reader.goto(demo_site.url + UNTRANSLATED)
    assert reader.get_by_role("heading", level=1).get_attribute("lang") == "en"
    label = reader.locator(".content-language")
    assert label.text_content() == "En anglais" and label.is_visible()  # shown in capitals by the stylesheet
    screenshot(reader, f"untranslated-case-study-fr-{width}")
    context.close()
