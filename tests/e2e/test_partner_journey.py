"""A partner's whole journey in Chromium, with an alliance editor, from the invitation to
publication and back: invited, sets a password, signs in, saves a draft with its title only,
completes it with an image and a PDF, sees it in the preview panel, submits it; the editor asks for
changes with a comment, which the partner reads on the dashboard, in the edit view and by e-mail;
the partner submits again, the editor approves, the item and its files are public; the editor
unpublishes it with a reason, which reaches the partner. Each step checks what the person sees."""

import email
import email.policy
import re
from io import BytesIO
from urllib.request import urlopen

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_partner_publishing import WAIT, add_editor, manage, sign_in

PARTNERSHIP = "dublin-kisumu-infection-prevention"
EMAIL = "Achieng.Odhiambo@example.org"
PASSWORD = "kisumu-sterile-supply-2026"  # noqa: S105 (a throw-away account on a throw-away database)
EDITOR, EDITOR_PASSWORD = "journey.editor", "alliance-journey-2026"
TITLE = "Sterile supply restored in Kisumu theatres"
SUMMARY = "A central sterile supply unit cut cancelled operations by half in two years."
BODY_TEXT = "Instrument sets were tracked from theatre to autoclave and back."
COMMENT = "Please give the baseline number of cancelled operations."
FIGURE = "Cancellations fell from 30 to 14 a month."
REASON = "The partnership asked us to withdraw it while figures are checked."
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (320, 200), (0, 110, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def mails_to(demo_site, address: str) -> list[email.message.Message]:
    """The e-mails the site sent to an address, oldest first (Django's file backend)."""
    found = []
    for path in sorted(demo_site.mail.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = email.message_from_string(raw.strip(), policy=email.policy.default)
                if address.lower() in (message["To"] or "").lower():
                    found.append(message)
    return found


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def editor(demo_site):
    return add_editor(demo_site, EDITOR, EDITOR_PASSWORD)


@pytest.fixture
def two_people(chromium):
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    for context in contexts:
        context.set_default_timeout(WAIT)
        context.set_default_navigation_timeout(WAIT)
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def upload_in_chooser(page, field, button: re.Pattern, title: str, file: dict) -> None:
    field.get_by_role("button", name=button).click()
    modal = page.get_by_role("dialog")
    modal.get_by_role("tab", name="Upload").click()
    upload = modal.get_by_role("tabpanel", name="Upload")
    upload.get_by_role("textbox", name=re.compile("^Title")).fill(title)
    upload.locator("input[type=file]").set_input_files(file)
    upload.get_by_role("button", name="Upload").click()
    expect(modal).to_be_hidden()
    expect(field).to_contain_text(title)


def open_actions(page) -> None:
    page.get_by_role("button", name="More actions").click()


def test_a_partner_publishes_through_review_and_is_told_each_outcome(demo_site, editor, two_people, screenshot):
    partner_page, editor_page, reader = two_people
    admin = demo_site.url + "/admin"
    username = EMAIL.lower()

    # 1. Invited: the e-mail names the username and links to "Set password".
    manage(demo_site, "invite_partner", EMAIL, "--partnership", PARTNERSHIP)
    (invitation,) = mails_to(demo_site, EMAIL)
    body = text_of(invitation)
    assert username in body
    link = re.search(r"(http://\S+/admin/password_reset/confirm/\S+/)", body).group(1)
    assert link.startswith(demo_site.url)
    page = partner_page
    page.goto(link)
    expect(page.get_by_text(username)).to_be_visible()
    page.locator("input[name='new_password1']").fill(PASSWORD)
    page.locator("input[name='new_password2']").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("main")).to_contain_text("Password change successful")

    # 2. Signs in with the address as written in the invitation, and starts from the dashboard.
    sign_in(page, admin, EMAIL, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Add a case study").click()

    # 3. A draft with its title only is saved (typed, as a person does: the slug follows the title).
    page.get_by_role("textbox", name=re.compile(r"^Title\*?$")).press_sequentially(TITLE)
    expect(page.locator("input[name='slug']")).to_have_value("sterile-supply-restored-in-kisumu-theatres")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(rf"{re.escape(admin)}/pages/\d+/edit/$"))
    expect(page.locator(".messages")).to_contain_text(TITLE)
    page_id = int(re.search(r"/pages/(\d+)/edit/", page.url).group(1))
    assert demo_site.db.execute("SELECT live FROM wagtailcore_page WHERE id = ?", [page_id]).fetchone() == (0,)

    # 4. Submitting it as it is names what is missing, all at once; nothing is submitted.
    open_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("Summary")
    assert not demo_site.db.execute(
        "SELECT 1 FROM wagtailcore_workflowstate WHERE object_id = ?", [str(page_id)]
    ).fetchall()

    # 5. Completed: summary, date, focus area, body, listing image and a PDF attachment.
    page.get_by_role("textbox", name=re.compile(r"^Summary")).fill(SUMMARY)
    page.get_by_role("textbox", name=re.compile(r"^Publication date")).fill("2026-03-01")
    page.locator("[data-contentpath='focus_areas']").get_by_role("checkbox", name="Quality and safety of care").check()
    body_field = page.locator("[data-contentpath='body']")
    body_field.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph", exact=True).click()
    editor_box = body_field.get_by_role("textbox")
    editor_box.click()
    editor_box.press_sequentially(BODY_TEXT)
    expect(body_field.locator("input[type='hidden'][name$='-value']")).to_have_value(
        re.compile(re.escape(BODY_TEXT)), timeout=WAIT
    )
    upload_in_chooser(
        page,
        page.locator("[data-contentpath='image']"),
        re.compile("Choose an image"),
        "Sterile supply unit",
        {"name": "unit.png", "mimeType": "image/png", "buffer": _png()},
    )
    page.get_by_role("button", name=re.compile("Add attachment", re.IGNORECASE)).click()
    attachment = page.locator("[id^='inline_child_attachments-']").filter(has=page.get_by_role("button")).last
    upload_in_chooser(
        page,
        attachment,
        re.compile("Choose a document"),
        "Audit report",
        {"name": "audit.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    attachment.get_by_role("textbox", name=re.compile("^Title")).fill("Audit report, 2025")

    # 6. The preview panel shows the page as typed, marked as a draft.
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(preview.get_by_text(BODY_TEXT)).to_be_visible()
    expect(preview.locator(".item-meta")).to_contain_text("Draft")
    screenshot(page, "journey-preview")
    page.get_by_role("button", name="Toggle preview").click()

    # Before publication, the image's original file and the PDF are nobody else's to download.
    image_file, document_id, document_file = demo_site.db.execute(
        """SELECT i.file, d.id, d.file FROM wagtailimages_image i, wagtaildocs_document d
           WHERE i.title = 'Sterile supply unit' AND d.title = 'Audit report'"""
    ).fetchone()
    assert reader.goto(f"{demo_site.url}/media/{image_file}").status == 404
    pdf_url = f"{demo_site.url}/documents/{document_id}/{document_file.rsplit('/', 1)[-1]}"
    assert reader.goto(pdf_url).status == 404

    # 7. Submitted for review.
    open_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    assert demo_site.db.execute(
        "SELECT status FROM wagtailcore_workflowstate WHERE object_id = ?", [str(page_id)]
    ).fetchall() == [("in_progress",)]

    # 8. The editor finds it on the dashboard and asks for changes, with a comment.
    sign_in(editor_page, admin, EDITOR, EDITOR_PASSWORD)
    review = editor_page.locator("#awaiting-review, section").filter(has_text="Awaiting your review")
    expect(review.get_by_role("link", name=TITLE).first).to_be_visible()
    editor_page.goto(f"{admin}/pages/{page_id}/edit/")
    open_actions(editor_page)
    editor_page.get_by_role("button", name="Request changes").click()
    dialog = editor_page.get_by_role("dialog")
    dialog.get_by_role("textbox").fill(COMMENT)
    with editor_page.expect_navigation():
        dialog.get_by_role("button", name=re.compile("Request changes|Submit")).click()
    assert demo_site.db.execute(
        "SELECT status FROM wagtailcore_workflowstate WHERE object_id = ?", [str(page_id)]
    ).fetchall() == [("needs_changes",)]

    # 9. The partner reads the comment by e-mail, on the dashboard and at the top of the edit view.
    (changes,) = [m for m in mails_to(demo_site, EMAIL) if "Changes requested" in m["Subject"]]
    assert "rejected" not in changes["Subject"].lower()
    assert COMMENT in text_of(changes) and f"/admin/pages/{page_id}/edit/" in text_of(changes)
    page.goto(admin + "/")
    panel = page.locator("#changes-requested, section").filter(has_text=COMMENT)
    expect(panel.first).to_be_visible()
    screenshot(page, "journey-changes-requested")
    page.goto(f"{admin}/pages/{page_id}/edit/")
    expect(page.locator(".messages")).to_contain_text(COMMENT)

    # 10. Submitted again with the figure; the editor approves and publishes.
    page.get_by_role("textbox", name=re.compile(r"^Summary")).fill(
        SUMMARY + " Cancellations fell from 30 to 14 a month."
    )
    open_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Submit for review")).click()
    editor_page.goto(f"{admin}/pages/{page_id}/edit/")
    open_actions(editor_page)
    editor_page.get_by_role("button", name=re.compile("Approve")).first.click()
    dialog = editor_page.get_by_role("dialog")
    if dialog.count():
        with editor_page.expect_navigation():
            dialog.get_by_role("button", name=re.compile("Approve")).click()
    else:
        editor_page.wait_for_load_state()
    live, url_path = demo_site.db.execute(
        "SELECT live, url_path FROM wagtailcore_page WHERE id = ?", [page_id]
    ).fetchone()
    assert live == 1
    public_path = "/" + url_path.split("/", 2)[2]
    published = [m for m in mails_to(demo_site, EMAIL) if m["Subject"].strip().startswith("Published:")]
    assert len(published) == 1, [m["Subject"] for m in mails_to(demo_site, EMAIL)]
    # (The link's host is the Wagtail site's, "localhost" in the demo: issue 20's wrong absolute links.)
    assert f"{public_path}\n" in text_of(published[0])

    # 11. Public: the page, its listing image's rendition on the library card, the PDF.
    response = reader.goto(demo_site.url + public_path)
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.get_by_text(FIGURE).first).to_be_visible()
    assert reader.goto(pdf_url).status == 200
    reader.goto(demo_site.url + "/library/")
    card_image = reader.locator("img[src*='/media/images/']").first
    expect(card_image).to_be_visible()
    with urlopen(card_image.evaluate("img => img.src")) as rendition:  # noqa: S310 (our test server)
        assert rendition.status == 200

    # 12. The editor unpublishes it with a reason; the partner is told, the page is gone.
    editor_page.goto(f"{admin}/pages/{page_id}/unpublish/")
    editor_page.get_by_label(re.compile("Reason")).fill(REASON)
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name=re.compile("Yes, unpublish")).click()
    (gone,) = [m for m in mails_to(demo_site, EMAIL) if m["Subject"].strip().startswith("Unpublished:")]
    assert REASON in text_of(gone)
    assert reader.goto(demo_site.url + public_path).status == 404
    assert reader.goto(pdf_url).status == 404
