"""A health professional searches, narrows by a facet, and sees the counts follow."""

import re


def counts(reader, facet: str) -> dict[str, int]:
    section = reader.locator("section.facet", has=reader.get_by_role("heading", name=facet, exact=True))
    found = {}
    for link in section.get_by_role("link").all():
        text = link.inner_text()
        label, count = re.match(r"[☐☑]\s*(.*?)\s+(\d+)$", text).groups()
        found[label] = int(count)
    return found


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
    assert case_studies.get_attribute("aria-current") is None
    case_studies.click()
    after = result_count(reader)
    assert after == types_before["Case studies"] < before
    assert "type=case-study" in reader.url
    # Counts in other facets now apply the chosen type; the type facet keeps its own counts.
    assert counts(reader, "Type") == types_before
    regions_after = counts(reader, "Region")
    assert sum(regions_after.values()) < sum(regions_before.values())
    assert case_studies.get_attribute("aria-current") == "true"
    assert case_studies.inner_text().startswith("☑")
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
