"""A partner invited with `manage.py invite_partner` logs in to the Wagtail admin (JavaScript on),
writes a case study under their partnership and submits it to the Alliance review workflow."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
PARTNERSHIP = "dublin-kisumu-infection-prevention"  # a demo partnership (knowledge/demo_content/partnerships.py)
EMAIL = "Wanjiru.Otieno@example.org"
PASSWORD = "kisumu-hand-hygiene-2025"  # noqa: S105 (a throw-away account on a throw-away database)
TITLE = "Hand hygiene champions on every ward in Kisumu"
BODY_TEXT = "Each ward named a champion who audits hand hygiene every month."
WAIT = 20_000  # ms: a dev runserver on a small machine


def manage(demo_site, *args: str) -> str:
    """Run manage.py against the demo site's database, as conftest does, and return its output."""
    database = next(path for _, name, path in demo_site.db.execute("PRAGMA database_list") if name == "main")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ELASTICSEARCH"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(Path(database).parent / "media"),
        "SEARCH_INDEX_DIR": str(Path(database).parent / "search-index"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(demo_site.mail),
        "WAGTAILADMIN_BASE_URL": demo_site.url,
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def sign_in(page, admin: str, username: str, password: str) -> None:
    """The admin's sign-in form, filled in and sent as a person does; lands on the dashboard."""
    page.goto(admin + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(admin + "/")


def set_password(demo_site, username: str, password: str) -> None:
    """As the e-mailed link would let the partner (the journey test follows the link itself)."""
    manage(
        demo_site,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"user = get_user_model().objects.get(username={username!r}); "
        f"user.set_password({password!r}); user.save()",
    )


def add_editor(demo_site, username: str, password: str) -> str:
    """An alliance editor's account, created as an administrator would."""
    manage(
        demo_site,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
        "from knowledge.publishing.alliance import ALLIANCE_EDITORS; "
        f"user = get_user_model().objects.create_user({username!r}, '{username}@example.org', {password!r}); "
        "user.groups.add(Group.objects.get(name=ALLIANCE_EDITORS))",
    )
    return username


@pytest.fixture
def partner(demo_site):
    """The invited partner's username, with a password set as the e-mailed link would let them."""
    output = manage(demo_site, "invite_partner", EMAIL, "--partnership", PARTNERSHIP)
    username = EMAIL.lower()
    assert f"Created the account {username}" in output, output
    (password,) = demo_site.db.execute("SELECT password FROM auth_user WHERE username = ?", [username]).fetchone()
    assert password.startswith("!"), "an invited account has no usable password until the partner sets one"
    set_password(demo_site, username, PASSWORD)
    return username


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    yield page
    context.close()


def test_a_partner_submits_a_case_study_for_alliance_review(demo_site, partner, browser_page, screenshot):
    page, admin = browser_page, demo_site.url + "/admin"
    partnership_id, partnership_title, partnership_path = demo_site.db.execute(
        "SELECT id, title, path FROM wagtailcore_page WHERE slug = ? AND locale_id = "
        "(SELECT id FROM wagtailcore_locale WHERE language_code = 'en')",
        [PARTNERSHIP],
    ).fetchone()

    sign_in(page, admin, partner, PASSWORD)

    # The partnership is translated into French, and its partner group holds both versions: the
    # explorer opens at the partnership in the partner's admin language (knowledge/publishing/
    # explorer.py; tests/security/test_partner_explorer.py). Here the partner opens its page.
    page.goto(f"{admin}/pages/{partnership_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(partnership_title[:20], timeout=WAIT)

    # Add a child page of type Case study.
    with page.expect_navigation():
        page.get_by_role("link", name="Add child page").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Case study", exact=True).click()
    page.wait_for_url(f"{admin}/pages/add/knowledge/casestudypage/{partnership_id}/")

    page.get_by_role("textbox", name=re.compile(r"^Title\*?$")).fill(TITLE)
    page.get_by_role("textbox", name=re.compile(r"^Summary")).fill(
        "Ward champions and monthly audits kept hand hygiene compliance above 80 % for two years."
    )
    page.get_by_role("textbox", name=re.compile(r"^Publication date")).fill("2025-03-01")
    page.get_by_role("combobox", name=re.compile(r"^Language")).select_option(label="English")
    page.get_by_role("checkbox", name="Quality and safety of care").check()

    # The body is a StreamField: insert a Paragraph block and type into its rich text editor.
    body = page.locator("[data-contentpath='body']")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph", exact=True).click()
    editor = body.get_by_role("textbox")
    expect(editor).to_be_visible(timeout=WAIT)
    editor.click()
    editor.press_sequentially(BODY_TEXT)
    expect(editor).to_contain_text(BODY_TEXT, timeout=WAIT)
    # Draftail copies its content into the block's hidden input a moment later (debounced): submitting
    # before then sends an empty paragraph, which the form accepts.
    expect(body.locator("input[type='hidden'][name$='-value']")).to_have_value(
        re.compile(re.escape(BODY_TEXT)), timeout=WAIT
    )

    # The action menu offers submission for review, and no way to publish.
    page.get_by_role("button", name="More actions").click()
    submit = page.get_by_role("button", name=re.compile("Submit"))
    expect(submit).to_have_text(re.compile("Submit for review"), timeout=WAIT)
    expect(page.get_by_role("button", name=re.compile("Publish", re.IGNORECASE))).to_have_count(0)
    expect(page.locator("[name='action-publish']")).to_have_count(0)
    with page.expect_navigation():
        submit.click()

    # Back in the explorer: a success message and the new page in moderation.
    page.wait_for_url(f"{admin}/pages/{partnership_id}/")
    expect(page.get_by_role("status")).to_contain_text(
        f"Page '{TITLE}' created and submitted for moderation.", timeout=WAIT
    )
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE, exact=True))
    expect(row).to_contain_text(re.compile("in moderation", re.IGNORECASE), timeout=WAIT)
    expect(row).not_to_contain_text(re.compile(r"\blive\b", re.IGNORECASE))

    # The page's own status: in moderation, the Alliance review's task in progress, no Publish.
    with page.expect_navigation():
        row.get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url(re.compile(rf"{re.escape(admin)}/pages/\d+/edit/$"))
    expect(page.get_by_text("This page is currently awaiting moderation")).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Toggle status").click()
    expect(page.get_by_role("heading", name="Status: In Moderation")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name="Locking: Locked by workflow")).to_be_visible()
    page.get_by_role("button", name="View details").click()
    details = page.get_by_role("dialog")
    expect(details).to_contain_text("Alliance review", timeout=WAIT)
    expect(details).to_contain_text("In progress")
    page.keyboard.press("Escape")
    expect(details).to_be_hidden(timeout=WAIT)
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Cancel workflow")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=re.compile("Publish", re.IGNORECASE))).to_have_count(0)
    expect(page.locator("[name='action-publish']")).to_have_count(0)
    page.keyboard.press("Escape")

    # The database agrees: a draft under the partnership, owned by the partner, in the workflow.
    page_id, live, path, owner, body_json = demo_site.db.execute(
        """SELECT p.id, p.live, p.path, u.username, c.body FROM wagtailcore_page p
           JOIN knowledge_casestudypage c ON c.knowledgeitempage_ptr_id = p.id
           JOIN auth_user u ON u.id = p.owner_id WHERE p.title = ?""",
        [TITLE],
    ).fetchone()
    assert page.url.endswith(f"/pages/{page_id}/edit/")
    assert not live
    assert path.startswith(partnership_path)
    assert owner == partner
    assert BODY_TEXT in body_json
    assert demo_site.db.execute(
        """SELECT ws.status, w.name, u.username FROM wagtailcore_workflowstate ws
           JOIN wagtailcore_workflow w ON w.id = ws.workflow_id
           JOIN auth_user u ON u.id = ws.requested_by_id WHERE ws.object_id = ?""",
        [str(page_id)],
    ).fetchall() == [("in_progress", "Alliance review", partner)]
    screenshot(page, "partner-submitted")


EDITOR = "elena.preview"
EDITOR_PASSWORD = "alliance-review-2025"  # noqa: S105 (a throw-away account on a throw-away database)


@pytest.fixture
def editor(demo_site):
    return add_editor(demo_site, EDITOR, EDITOR_PASSWORD)


def test_an_editor_sees_the_page_in_the_preview_panel(demo_site, editor, browser_page, screenshot):
    page, admin = browser_page, demo_site.url + "/admin"
    problems = []

    def note_policy_violations(message) -> None:
        # Chromium logs a refused frame or script in the console of the page that holds the frame.
        if re.search(r"Content.Security.Policy|Refused to", message.text, re.IGNORECASE):
            problems.append(message.text)

    page.on("console", note_policy_violations)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page_id, title = demo_site.db.execute(
        """SELECT p.id, p.title FROM wagtailcore_page p
           JOIN knowledge_casestudypage c ON c.knowledgeitempage_ptr_id = p.id
           WHERE p.live = 1 ORDER BY p.id LIMIT 1"""
    ).fetchone()

    sign_in(page, admin, editor, EDITOR_PASSWORD)
    page.goto(f"{admin}/pages/{page_id}/edit/")

    # The panel shows the page as it stands...
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(title, timeout=WAIT)
    # Wagtail's editor starts watching the form for changes 2 s after it loads (w-unsaved's
    # initialDelay): what is typed before then reaches neither the preview nor autosave.
    page.wait_for_timeout(2500)
    # ...and follows the form: the preview is rendered from what the editor types, a draft.
    draft_title = f"{title} (revised)"
    title_box = page.get_by_role("textbox", name=re.compile(r"^Title\*?$"))
    title_box.press("End")
    title_box.press_sequentially(" (revised)")  # typed, as a person does
    expect(preview.get_by_role("heading", level=1)).to_have_text(draft_title, timeout=WAIT)
    expect(preview.locator(".item-meta")).to_contain_text("Draft of changes, not published yet")
    frame_url = page.locator("#w-preview-iframe").get_attribute("src")
    assert f"/admin/pages/{page_id}/edit/preview/" in frame_url and "in_preview_panel=true" in frame_url
    screenshot(page, "editor-preview-panel")
    assert problems == []
