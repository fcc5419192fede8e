"""The partner's forms in Chromium: no console errors on the pages partners use (the image
chooser, a table in the body), and the countries' checklist with its filter box and chips."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_partner_publishing import WAIT, manage, set_password

PARTNERSHIP = "lyon-bamako-laboratory-quality"
EMAIL = "Mariam.Coulibaly@example.org"
PASSWORD = "bamako-lab-quality-2025"  # noqa: S105 (a throw-away account on a throw-away database)


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (0, 125, 126)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def invited_partner(demo_site):
    output = manage(demo_site, "invite_partner", EMAIL, "--partnership", PARTNERSHIP)
    assert "account" in output, output
    username = EMAIL.lower()
    set_password(demo_site, username, PASSWORD)
    return username


@pytest.fixture
def console_errors(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    # Which request a "Failed to load resource" error was.
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.request.method} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    yield page, errors
    context.close()


def test_a_partner_chooses_countries_with_a_filter_and_opens_the_image_chooser_and_a_table(
    demo_site, invited_partner, console_errors, screenshot
):
    page, errors = console_errors
    admin = demo_site.url + "/admin"
    page.goto(admin + "/login/")
    page.get_by_label("Username or e-mail address").fill(EMAIL)  # as in the invitation, capitals and all
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(admin + "/")

    # From the dashboard's panel to the form.
    expect(page.get_by_role("heading", name="Changes requested (0)")).to_be_visible()
    screenshot(page, "partner-dashboard")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a case study").click()
    page.wait_for_url(re.compile(rf"{re.escape(admin)}/pages/add/knowledge/casestudypage/\d+/"))

    # Countries: a filter box over the checklist, the chosen ones shown as chips.
    countries = page.locator("[data-contentpath='countries']")
    filter_box = countries.get_by_role("searchbox", name="Type to filter the list")
    filter_box.fill("mal")
    expect(countries.get_by_role("checkbox", name="Mali", exact=True)).to_be_visible()
    expect(countries.get_by_role("checkbox", name="Malawi", exact=True)).to_be_visible()
    expect(countries.get_by_role("checkbox", name="Kenya", exact=True)).to_be_hidden()
    countries.get_by_role("checkbox", name="Mali", exact=True).check()
    filter_box.fill("ken")
    countries.get_by_role("checkbox", name="Kenya", exact=True).check()
    expect(countries.get_by_role("checkbox", name="Mali", exact=True)).to_be_hidden()
    chosen = countries.get_by_role("list", name="Chosen:")
    expect(chosen.get_by_role("button")).to_have_text(["Kenya ×", "Mali ×"])
    chosen.get_by_role("button", name="Remove Kenya").click()
    expect(countries.get_by_role("checkbox", name="Kenya", exact=True)).not_to_be_checked()
    expect(chosen.get_by_role("button")).to_have_text(["Mali ×"])
    countries.scroll_into_view_if_needed()
    screenshot(page, "partner-countries")
    filter_box.press("Enter")  # stays on the form
    assert "/pages/add/" in page.url
    # Focus areas: five, no filter box, the chips still.
    focus = page.locator("[data-contentpath='focus_areas']")
    expect(focus.get_by_role("searchbox")).to_have_count(0)
    focus.get_by_role("checkbox", name="Quality and safety of care").check()
    expect(focus.get_by_role("list", name="Chosen:").get_by_role("button")).to_have_text(
        ["Quality and safety of care ×"]
    )

    # The listing image's chooser.
    image = page.locator("[data-contentpath='image']")
    image.get_by_role("button", name=re.compile("Choose an image")).click()
    modal = page.get_by_role("dialog")
    expect(modal.get_by_role("heading", name=re.compile("Choose an image"))).to_be_visible()
    modal.get_by_role("tab", name="Upload").click()
    upload = modal.get_by_role("tabpanel", name="Upload")
    upload.get_by_role("textbox", name=re.compile("^Title")).fill("Ward audit board")
    upload.locator("input[type=file]").set_input_files({"name": "ward.png", "mimeType": "image/png", "buffer": _png()})
    screenshot(page, "partner-image-chooser")
    upload.get_by_role("button", name="Upload").click()
    expect(modal).to_be_hidden()
    expect(image).to_contain_text("Ward audit board")
    # Chosen again from the listing, now that the partnership has an image.
    image.get_by_role("button", name="Actions").click()
    image.get_by_role("button", name="Change image").click()
    expect(modal.get_by_role("link", name=re.compile("Ward audit board"))).to_be_visible()
    modal.get_by_role("link", name=re.compile("Ward audit board")).click()
    expect(modal).to_be_hidden()

    # A table in the body: the table editor in the partner's language.
    body = page.locator("[data-contentpath='body']")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Table", exact=True).click()
    expect(body.locator(".handsontable").first).to_be_visible()
    page.wait_for_timeout(1500)  # autosave's interval: nothing to save without a title
    assert "/pages/add/" in page.url
    assert errors == [], "\n".join(errors)

    # With a title, autosave keeps the draft.
    with page.expect_response(lambda response: response.request.method == "POST") as saved:
        # Typed (keyup fills in the slug), as a person does.
        page.get_by_role("textbox", name=re.compile(r"^Title\*?$")).press_sequentially("Ward audits")
    assert saved.value.status == 200 and saved.value.json()["success"], saved.value.text()
    screenshot(page, "partner-forms")
    assert errors == [], "\n".join(errors)
