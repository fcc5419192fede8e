"""WCAG 2.2 AA on the demo site in Chromium: axe-core finds no violation on any public page type
in any of the four interface languages, and every link and control a thumb must hit on a phone is
at least 24x24 CSS pixels (WCAG 2.5.8).

Each page is opened once per language in one browser against the one demo site: English and
Portuguese at a phone's width (390 px), French and Spanish at a desktop's (1280 px), so that both
layouts are checked without doubling the run."""

import json
from pathlib import Path

import pytest

from .page_types import page_types, shared_with_a_password

AXE = Path(__file__).parent / "axe" / "axe.min.js"  # axe-core, vendored: see axe/README.md
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, headings), which
# catch what the issue found: unlabelled search landmarks, content outside any landmark.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"": PHONE, "/fr": DESKTOP, "/pt": PHONE, "/es": DESKTOP}
EXPECTED_STATUS = {"search, bad filter (400)": 400, "not found (404)": 404, "password form": 200}


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>: the site's CSP stays as it is
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}; e.g. {node['target']} {node['failureSummary'].splitlines()[-1]}"
        for v in results["violations"]
        for node in v["nodes"][:3]
    ]


@pytest.mark.parametrize("prefix", list(WIDTHS), ids=["en", "fr", "pt", "es"])
def test_axe_finds_no_violation_on_any_page_type(demo_site, chromium, prefix):
    context = chromium.new_context(viewport=WIDTHS[prefix])
    page = context.new_page()
    problems = {}
    try:
        for name, path in page_types(demo_site).items():
            if name == "password form":
                with shared_with_a_password(demo_site, path):
                    response = page.goto(demo_site.url + prefix + path)
                    assert page.locator("main input[type=password]").count() == 1, "no password form"
                    found = axe_violations(page)
            else:
                response = page.goto(demo_site.url + prefix + path)
                found = axe_violations(page)
            assert response.status == EXPECTED_STATUS.get(name, 200), (name, response.status)
            assert page.locator("html").get_attribute("lang") == (prefix.strip("/") or "en"), name
            if name == "search, did you mean":
                assert page.locator(".suggestion a").count() == 1, "no 'did you mean' for a misspelt word"
            if found:
                problems[name] = found
    finally:
        context.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


# Targets -------------------------------------------------------------------------------------

# Every link and control with its box, where "box" is what a pointer can hit: a checkbox or radio
# inside its label is hit through the whole label. Links in running text are WCAG's "inline"
# exception: an inline link whose paragraph (or list item, cell...) has at least three words of
# its own beside its links.
TARGETS = r"""
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || element.closest('[hidden], .visually-hidden, .skip-link')) continue;
    const target = (element.matches('input[type=checkbox], input[type=radio]') && element.closest('label')) || element;
    const box = target.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    let inline = false;
    if (element.tagName === 'A' && style.display === 'inline') {
      let block = element.parentElement;
      while (getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
      const text = block.cloneNode(true);
      text.querySelectorAll('a').forEach(link => link.remove());
      inline = (text.textContent.match(/\p{L}{2,}/gu) || []).length >= 3;
    }
    const name = (element.innerText || element.value || element.getAttribute('aria-label') || element.tagName).trim();
    const tag = element.tagName.toLowerCase();
    found.push({name: name.slice(0, 50), tag, width: box.width, height: box.height, inline});
  }
  return found;
}
"""
PHONE_PAGES = [
    "home",
    "library",
    "partnership",
    "focus area",
    "case study",
    "lesson",
    "in numbers",
    "search",
    "feed page",
]


@pytest.mark.parametrize("prefix", ["", "/fr"], ids=["en", "fr"])
def test_every_link_and_control_is_a_big_enough_target_on_a_phone(demo_site, chromium, prefix):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    paths = page_types(demo_site)
    small = {}
    try:
        for name in PHONE_PAGES:
            page.goto(demo_site.url + prefix + paths[name])
            page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # the Cite panel, filters
            targets = page.evaluate(TARGETS)
            assert targets, name
            too_small = [
                f"{t['tag']} {t['name']!r}: {t['width']:.1f}x{t['height']:.1f}"
                for t in targets
                if not t["inline"] and (t["width"] < 24 or t["height"] < 24)
            ]
            if too_small:
                small[name] = too_small
    finally:
        context.close()
    assert small == {}, json.dumps(small, indent=1, ensure_ascii=False)
