"""A health professional searches, narrows by a facet, and sees the counts follow."""

import re

from playwright.sync_api import expect


def counts(reader, facet: str) -> dict[str, int]:
    section = reader.locator("section.facet", has=reader.get_by_role("heading", name=facet, exact=True))
    found = {}
    for link in section.get_by_role("link").all():
        text = " ".join(link.evaluate("a => a.textContent").split())
        label, count = re.match(r"\s*(.*?)\s+([\d,]+), (?:not )?selected$", text).groups()
        found[label] = int(count.replace(",", ""))
    return found


def state(link) -> str:
    """What a screen reader says of a facet link: its accessible name ends with its state."""
    return link.evaluate("a => a.textContent").rsplit(",", 1)[1].strip()


def result_count(reader) -> int:
    return int(reader.locator(".result-count").inner_text().split()[0])


def test_search_then_a_facet_narrows_results_and_updates_counts(demo_site, reader, screenshot):
    reader.goto(demo_site.url + "/")
    reader.get_by_role("searchbox", name="Search the library").fill("laboratory quality")
    reader.get_by_role("searchbox", name="Search the library").press("Enter")
    reader.wait_for_url(re.compile(r"/search/\?q=laboratory"))
    before = result_count(reader)
    assert before > 1
    assert reader.locator(".hit mark").count() > 0
    regions_before = counts(reader, "Region")
    types_before = counts(reader, "Type")

    case_studies = reader.locator("section.facet a", has_text="Case studies")
    assert state(case_studies) == "not selected"
    # Its state is said in words; no character stands for it (the box is drawn by the stylesheet).
    assert not re.search("[☐☑]", case_studies.evaluate("a => a.textContent"))
    # (Chromium puts a space before the comma: the hidden text is positioned, so a block of its own.)
    expect(case_studies).to_have_accessible_name(re.compile(r"^Case studies \d+ ?, not selected$"))
    case_studies.click()
    after = result_count(reader)
    assert after == types_before["Case studies"] < before
    assert "type=case-study" in reader.url
    # Counts in other facets now apply the chosen type; the type facet keeps its own counts.
    assert counts(reader, "Type") == types_before
    regions_after = counts(reader, "Region")
    assert sum(regions_after.values()) < sum(regions_before.values())
    assert state(case_studies) == "selected"
    expect(case_studies).to_have_accessible_name(re.compile(r"^Case studies \d+ ?, selected$"))
    assert all(t.upper() == "CASE STUDY" for t in reader.locator(".hit .card-type").all_inner_texts())
    screenshot(reader, "search-faceted")

    case_studies.click()
    assert result_count(reader) == before


def test_autocomplete_suggests_titles_as_you_type(demo_site, chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(demo_site.url + "/search/")
    # With suggestions attached the box is a combobox to assistive technology, so find it by its label.
    page.get_by_label(re.compile("Search case studies")).press_sequentially("hand hyg", delay=30)
    # A locator, not wait_for_function: the strict Content-Security-Policy forbids evaluating strings.
    page.locator("#search-suggestions option").first.wait_for(state="attached", timeout=5000)
    options = page.eval_on_selector_all("#search-suggestions option", "els => els.map(e => e.value)")
    assert any("hygiene" in option.lower() for option in options), options
    context.close()


def test_autocomplete_in_french_suggests_the_french_version_once(demo_site, chromium):
    """The suggestions' address has no language prefix: the page's language chooses the version."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(demo_site.url + "/fr/search/")
    page.locator("#search-q").press_sequentially("bouak", delay=30)
    page.locator("#search-suggestions option").first.wait_for(state="attached", timeout=5000)
    options = page.eval_on_selector_all("#search-suggestions option", "els => els.map(e => e.value)")
    # The French translation of the hand-rub case study, not its English original as well.
    assert any(option.startswith("Désinfection chirurgicale des mains") for option in options), options
    assert not any(option.startswith("Surgical hand antisepsis") for option in options), options
    assert len(options) == len(set(options))
    context.close()
