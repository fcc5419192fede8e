"""Hostile content from partners runs nowhere: not on the public site, not in the admin.

A copy of the demo site gets the payloads of tests/e2e/hostile_content.py, written through the
admin as a partner writes (titles, summaries, rich text with javascript: links, table cells,
quotes, tags, alt text, captions, comments, a person and an institution, upload titles; SVG and
HTML uploads are refused). Chromium, with JavaScript on, then opens every public page and every
admin view that shows them, and records anything a payload could do:

- an init script turns any write to ``window.__xss`` into a record;
- every dialog (``alert``) and every console message mentioning ``XSS`` is recorded;
- after each page has settled, each frame's DOM is searched for elements a payload would have
  created: event-handler attributes, executable scripts or ``javascript:``/``data:`` URLs
  carrying the payloads' marker.

Each page must also show at least one payload as text, so a page that dropped the content (or
an error page) cannot pass for a safe one.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest

from .conftest import ROOT, _free_port, _wait_until_up
from .hostile_content import MARK, payload, shown, visible

WAIT = 30_000  # ms: a dev runserver on a small, shared machine

INIT_SCRIPT = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__xssHits", { value: hits });
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get() { return undefined; },
    set(value) { hits.push(String(value)); console.log("XSS:" + value + " (set window.__xss)"); },
  });
})();
"""

# Elements a payload would have created. JSON in <script type="application/json"> and the like
# holds payloads as data and is fine; an executable script holding one is not.
DOM_SCAN = """
() => {
  const found = [];
  const marked = (text) => /XSS:|__xss/.test(text || "");
  const executable = (script) => {
    const type = (script.getAttribute("type") || "").trim().toLowerCase();
    return type === "" || type === "module" || /(java|ecma)script/.test(type);
  };
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      const url = value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") && marked(value)) found.push(`${element.tagName} ${name}="${value.slice(0, 80)}"`);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"].includes(name)
          && marked(value) && (/^(javascript|vbscript|data):/.test(url) || name === "srcdoc")) {
        found.push(`${element.tagName} ${name}="${value.slice(0, 80)}"`);
      }
    }
    if (element.tagName === "SCRIPT" && executable(element) && marked(element.textContent)) {
      found.push(`SCRIPT ${element.textContent.slice(0, 80)}`);
    }
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def hostile_site(demo_site, tmp_path_factory):
    """A copy of the demo site (database and media) with the hostile content, served on its own."""
    workdir = tmp_path_factory.mktemp("hostile-site")
    demo_database = next(path for _, name, path in demo_site.db.execute("PRAGMA database_list") if name == "main")
    database = workdir / "db.sqlite3"
    with sqlite3.connect(database) as copy:
        demo_site.db.backup(copy)
    for folder in ("media", "search-index"):  # the copy's uploads and search index, apart from the demo's
        if (Path(demo_database).parent / folder).exists():
            shutil.copytree(Path(demo_database).parent / folder, workdir / folder)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ELASTICSEARCH"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(workdir / "media"),
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
    }
    out = workdir / "hostile.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.hostile_content", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server)
        yield SimpleNamespace(url=url, data=json.loads(out.read_text()))
    finally:
        server.terminate()
        server.wait(timeout=10)


class Watcher:
    """A JavaScript-enabled browser context that records what payloads manage to do."""

    def __init__(self, chromium, base_url: str):
        self.base_url = base_url
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        self.context.set_default_timeout(WAIT)
        self.context.set_default_navigation_timeout(WAIT)
        self.context.add_init_script(INIT_SCRIPT)
        self.fired: list[str] = []
        self.where = "(start)"
        self.context.on("page", self._watch)
        self.page = self.context.new_page()

    def _watch(self, page) -> None:
        page.on("dialog", lambda dialog: self._dialog(dialog))
        page.on("console", lambda message: self._record(f"console: {message.text}") if "XSS" in message.text else None)

    def _dialog(self, dialog) -> None:
        if dialog.type == "beforeunload":  # the admin's "unsaved changes" check: leave anyway
            dialog.accept()
            return
        self._record(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _record(self, what: str) -> None:
        self.fired.append(f"{self.where}: {what}")

    def settle(self) -> None:
        """Let scripts and lazy loads run, then search every frame for injected elements."""
        try:
            self.page.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # noqa: BLE001 - a page that keeps polling has still loaded
            self.page.wait_for_timeout(1_000)
        for frame in self.page.frames:
            try:
                for element in frame.evaluate(DOM_SCAN):
                    self._record(f"injected element in {frame.url}: {element}")
                for value in frame.evaluate("() => window.__xssHits || []"):
                    self._record(f"window.__xss = {value!r} in {frame.url}")
            except Exception:  # noqa: BLE001, S112 - a frame that navigated away meanwhile
                continue

    def open(self, path: str, *, shows: tuple[str, ...] = ("XSS:",), raw: bool = False) -> str:
        """Open a page, let it settle, and check it shows the payloads it should, as text."""
        self.where = path
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        self.settle()
        text = self.page.content() if raw else self.text()
        missing = [needle for needle in shows if needle not in text]
        present = sorted(set(re.findall(r"(?:__xss='|XSS:)([\w-]+)", text)))
        assert not missing, f"{path} does not show {missing} (it shows {present}): content dropped, or not the page?"
        return text

    def text(self) -> str:
        """What the page shows: its text, and the values of its form fields."""
        return self.page.evaluate(
            """() => [document.body ? document.body.innerText : document.documentElement.textContent,
                     ...Array.from(document.querySelectorAll("input, textarea"), (field) => field.value)].join("\\n")"""
        )

    def fetch(self, path: str) -> tuple[str, str]:
        """A download or an API answer: (content type, body) without rendering it."""
        response = self.context.request.get(self.base_url + path)
        assert response.ok, f"{path} answered {response.status}"
        return response.headers.get("content-type", ""), response.text()

    def log_in(self, username: str, password: str) -> None:
        self.where = "/admin/login/"
        self.page.goto(self.base_url + "/admin/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.base_url + "/admin/")

    def prove_it_notices(self) -> None:
        """A control: the same payloads, unescaped, on a page served to the browser alone. Each of
        the four detectors must notice them, or a clean run would prove nothing."""
        control = "http://xss-control.test/"
        self.page.route(control, lambda route: route.fulfill(content_type="text/html", body=payload("control")))
        self.where = "control"
        self.page.goto(control)
        self.settle()
        noticed = "\n".join(self.fired)
        for detector in (
            "window.__xss = 'control'",
            "console: XSS:control",
            "alert: XSS:control",
            "injected element in http://xss-control.test/: IMG onerror",
        ):
            assert detector in noticed, f"the control was not noticed by {detector!r}:\n{noticed}"
        self.fired.clear()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watcher(chromium, hostile_site):
    watching = Watcher(chromium, hostile_site.url)
    watching.prove_it_notices()
    yield watching
    watching.close()


def test_hostile_content_runs_nowhere_on_the_public_site(hostile_site, watcher, screenshot):
    data = hostile_site.data
    case_study, lesson, testimonial = data["case_study"]["url"], data["lesson"]["url"], data["testimonial"]["url"]

    watcher.open(
        case_study,
        shows=tuple(
            visible(tag)
            for tag in (
                "cs-title",
                "cs-heading",
                "cs-paragraph",
                "cs-quote",
                "cs-attribution",
                "cs-th",
                "cs-cell",
                "cs-table-caption",
                "cs-caption",
                "cs-credit",
                "cs-doclink",
                "cs-indicator",
                "cs-source",
                "cs-attachment",
            )
        )
        + ("XSS:cs-title-tag", "XSS:person", "quote-breaking link", "javascript link"),
    )
    screenshot(watcher.page, "hostile-case-study")
    watcher.page.locator("details.cite-panel summary").click()  # the Cite panel: citations with the title
    watcher.settle()
    watcher.open(
        lesson,
        shows=tuple(
            visible(tag) for tag in ("lesson-title", "lesson-lesson", "lesson-context", "lesson-worked", "lesson-not")
        )
        + (visible("lesson-recommendation"),),
    )
    watcher.open(testimonial, shows=(visible("testimonial-title"), visible("testimonial-quote"), "XSS:speaker-role"))
    watcher.open("/fr" + case_study, shows=(visible("cs-title"), visible("cs-paragraph")))

    titles = (visible("cs-title"), visible("lesson-title"), visible("testimonial-title"))
    watcher.open(data["partnership"]["url"], shows=titles)
    watcher.open("/", shows=(visible("cs-title"),))
    watcher.open("/library/", shows=titles)
    watcher.open(f"/library/focus-areas/{data['focus_area']}/", shows=titles)
    watcher.open(f"/library/countries/{data['country']}/", shows=titles)
    watcher.open("/library/partnerships/", shows=())
    watcher.open(f"/search/?q={MARK}", shows=(*titles, "XSS:cs-title-summary"))
    watcher.open(f"/search/?q={MARK}&partnership={data['partnership']['url'].strip('/').split('/')[-1]}", shows=titles)
    reflected = urllib.parse.quote(f"{MARK} {payload('search-query')}")
    watcher.open(f"/search/?q={reflected}", shows=("XSS:search-query",))
    watcher.open(f"/fr/search/?q={reflected}", shows=("XSS:search-query",))
    watcher.open(f"/library/?q={reflected}", shows=())  # the library's own search box
    watcher.open(f"/k/{data['case_study']['id']}/", shows=(visible("cs-title"),))

    # Suggestions as you type (the one script on public pages).
    watcher.open("/search/", shows=())
    watcher.page.locator("input[data-autocomplete]").first.fill(MARK[:4])
    watcher.page.wait_for_function(
        "() => document.querySelectorAll('#search-suggestions option').length > 0", timeout=WAIT
    )
    watcher.settle()

    # Plain-text and machine-readable answers: opened in the browser too, where a browser would.
    watcher.open(case_study + "cite/vancouver/", shows=(visible("cs-title"),))
    watcher.open(case_study + "cite/apa/", shows=(visible("cs-title"),))
    for path in (
        "/api/search/?q=" + MARK,
        "/api/search/autocomplete/?q=" + MARK,
        f"/api/v2/pages/{data['case_study']['id']}/",
    ):
        content_type, body = watcher.fetch(path)
        assert content_type.startswith("application/json") and "XSS:" in body, path
        watcher.open(path, shows=("XSS:",))
    for path in (
        "/feeds/latest.atom",
        f"/feeds/search.atom?q={MARK}",
        "/oai/?verb=ListRecords&metadataPrefix=oai_dc&set=type:testimonial",
    ):
        content_type, body = watcher.fetch(path)
        assert "html" not in content_type and "XSS:" in body, (path, content_type)
        watcher.open(path, shows=("XSS:",), raw=True)
    for path in (
        case_study + "cite/bibtex/",
        case_study + "cite/ris/",
        case_study + "cite/csl-json/",
        f"/search/export/csv/?q={MARK}",
        f"/search/export/json/?q={MARK}",
    ):
        content_type, body = watcher.fetch(path)
        assert "html" not in content_type and "XSS:" in body, (path, content_type)
    content_type, _body = watcher.fetch(data["document"]["url"])
    assert content_type == "application/pdf"

    assert watcher.fired == [], "\n".join(watcher.fired)


def test_hostile_content_runs_nowhere_in_the_admin(hostile_site, watcher, screenshot):
    data = hostile_site.data
    cs, lesson, testimonial = data["case_study"]["id"], data["lesson"]["id"], data["testimonial"]["id"]
    first, second = data["case_study"]["revisions"][:2]
    watcher.log_in(*data["users"]["editor"])

    watcher.open("/admin/", shows=(shown("cs-title-v2"),))  # awaiting review
    screenshot(watcher.page, "hostile-admin-dashboard")
    # The admin shows a page's latest draft title: the case study's is the revision in review.
    watcher.open(f"/admin/pages/{data['partnership']['id']}/", shows=(shown("cs-title-v2"), shown("lesson-title")))
    watcher.open(f"/admin/pages/search/?q={MARK}", shows=(shown("cs-title-v2"), shown("testimonial-title")))
    for page_id, marker in (
        (cs, shown("cs-title-v2")),
        (lesson, shown("lesson-context")),
        (testimonial, shown("testimonial-quote")),
    ):
        watcher.open(f"/admin/pages/{page_id}/edit/", shows=(marker,))
    screenshot(watcher.page, "hostile-admin-edit-testimonial")

    # The case study's editor, and what opens from it: preview, comments, choosers.
    watcher.open(f"/admin/pages/{cs}/edit/", shows=(shown("cs-cell"), shown("cs-paragraph"), shown("cs-indicator")))
    for panel in ("preview", "comments", "status", "checks"):
        watcher.page.locator(f'[data-side-panel-toggle="{panel}"]').click()
        watcher.settle()
        if panel == "comments":
            assert shown("cs-title-comment") in watcher.text(), "the partner's comment is not shown"
    watcher.page.keyboard.press("Escape")
    screenshot(watcher.page, "hostile-admin-edit-case-study")

    # Choosers fill a modal with HTML fetched from the server: on a new case study, the listing
    # image, the authors (people) and the attachments (documents).
    watcher.open(f"/admin/pages/add/knowledge/casestudypage/{data['partnership']['id']}/", shows=())
    for add, icon, expected in (
        (None, "image", shown("img-title")),
        ("#id_authors-ADD", "user", "XSS:person"),
        ("#id_attachments-ADD", "doc-full-inverse", shown("doc-title")),
    ):
        watcher.where = f"new case study, {icon} chooser"
        if add:  # an inline panel: add a row, then choose in it
            watcher.page.locator(add).click()
        watcher.page.locator(f"[data-chooser-action-choose]:has(.icon-{icon}) >> visible=true").first.click()
        modal = watcher.page.locator(".modal-content >> visible=true").first
        modal.wait_for()
        watcher.settle()
        if expected not in modal.inner_text():  # a long list: search it, as an editor would
            modal.locator("input[name=q]").first.fill(MARK)
            watcher.page.wait_for_timeout(1_500)
            watcher.settle()
        assert expected in modal.inner_text(), f"the {icon} chooser does not show {expected}"
        watcher.page.locator(".modal [data-dismiss='modal'] >> visible=true").first.click()
        modal.wait_for(state="hidden")

    # What the preview panel showed (opening the panel sent the form to the preview view).
    watcher.open(f"/admin/pages/{cs}/edit/preview/?in_preview_panel=true", shows=(visible("cs-paragraph"),))
    watcher.open(f"/admin/pages/{cs}/view_draft/", shows=(shown("cs-title-v2"),))
    watcher.open(f"/admin/pages/{cs}/history/", shows=("XSS:user-first",))
    watcher.open(f"/admin/pages/{cs}/revisions/", shows=("XSS:user-first",))
    watcher.open(f"/admin/pages/{cs}/revisions/{first}/view/", shows=(visible("cs-title"),))
    watcher.open(
        f"/admin/pages/{cs}/revisions/compare/{first}...{second}/", shows=(shown("cs-title-v2"), shown("cs-quote"))
    )
    watcher.open(f"/admin/pages/{cs}/revisions/compare/live...{second}/", shows=(shown("cs-title-v2"),))
    watcher.open(f"/admin/pages/{cs}/workflow_history/", shows=("XSS:user-first",))
    watcher.open(f"/admin/pages/{cs}/usage/", shows=())
    watcher.open("/admin/reports/workflow/", shows=(shown("cs-title-v2"),))
    watcher.open("/admin/reports/workflow_tasks/", shows=(shown("cs-title-v2"),))
    watcher.open("/admin/reports/site-history/", shows=(shown("cs-title"),))
    watcher.open("/admin/reports/aging-pages/", shows=())
    watcher.open("/admin/images/", shows=(shown("img-title"),))
    watcher.open(f"/admin/images/?q={MARK}", shows=(shown("img-title"),))
    watcher.open(f"/admin/images/{data['image']}/", shows=(shown("img-title"), shown("img-alt")))
    watcher.open(f"/admin/images/usage/{data['image']}/", shows=(shown("img-title"),))
    watcher.open("/admin/documents/", shows=(shown("doc-title"),))
    watcher.open(f"/admin/documents/edit/{data['document']['id']}/", shows=(shown("doc-title"),))
    watcher.open(f"/admin/documents/usage/{data['document']['id']}/", shows=(shown("doc-title"),))
    watcher.open(f"/admin/snippets/knowledge/person/?q={MARK}", shows=("XSS:person",))
    watcher.open(f"/admin/snippets/knowledge/person/edit/{data['person']}/", shows=("XSS:person",))
    watcher.open(f"/admin/snippets/knowledge/institution/edit/{data['institution']}/", shows=(shown("institution"),))
    watcher.open(f"/admin/snippets/knowledge/institution/?q={MARK}", shows=())

    # Reviewing from the dashboard: the workflow action modal shows the page's title.
    watcher.open("/admin/", shows=(shown("cs-title-v2"),))
    action = watcher.page.get_by_role("button", name="Request changes")
    if action.count():
        action.first.click()
        watcher.page.locator(".modal-content").first.wait_for()
        watcher.settle()
    assert watcher.fired == [], "\n".join(watcher.fired)


def test_hostile_content_runs_nowhere_in_the_partners_own_admin(hostile_site, watcher):
    data = hostile_site.data
    cs = data["case_study"]["id"]
    watcher.log_in(*data["users"]["partner"])
    watcher.open("/admin/", shows=(shown("cs-title-v2"),))
    watcher.open(f"/admin/pages/{data['partnership']['id']}/", shows=(shown("cs-title-v2"),))
    watcher.open(f"/admin/pages/{cs}/edit/", shows=(shown("cs-title-v2"),))
    watcher.open(f"/admin/pages/{cs}/history/", shows=("XSS:user-first",))
    watcher.open("/admin/images/", shows=(shown("img-title"),))
    watcher.open("/admin/documents/", shows=(shown("doc-title"),))
    watcher.open("/admin/reports/workflow/", shows=(shown("cs-title-v2"),))
    assert watcher.fired == [], "\n".join(watcher.fired)
