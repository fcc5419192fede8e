"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the real demo site:
a temporary SQLite database, `migrate` and `load_demo` run as a user would, and the server
started as its own process, once for all browser tests (`demo_site`). The database starts as the
migrated copy the database tests saved (tests/database_template.py) when there is one."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path | None = None, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(errors="replace") if log else f"exit code {process.returncode}"
            raise RuntimeError(f"the server stopped: {said}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url} within {seconds} s")


def _migrated_template() -> Path | None:
    """The migrated database tests/database_template.py saved for this code, if any."""
    from tests import database_template

    if not database_template.enabled():
        return None
    template = database_template.template_path()
    return template if template.exists() else None


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The demo site, served for every browser test of the run (one server, one database)."""
    workdir = tmp_path_factory.mktemp("demo-site")
    database = workdir / "db.sqlite3"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ELASTICSEARCH"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(workdir / "media"),
        "SEARCH_INDEX_DIR": str(workdir / "search-index"),
        # The site's e-mails as files the tests read, with links to this server.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "WAGTAILADMIN_BASE_URL": url,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated = _migrated_template()
    if migrated:  # the database the other tests migrated from scratch: `migrate` then has nothing to do
        shutil.copyfile(migrated, database)
    commands = (
        ["migrate", "--noinput", "-v0"],
        ["set_site_address", "127.0.0.1", str(port)],  # as `make setup` does from HOST and PORT
        ["load_demo"],
        ["update_index"],
        ["search_index", "update"],
    )
    for command in commands:
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    # The server's log goes to a file: a pipe nobody reads fills up after some thousand requests,
    # and the server then hangs on its next log line (every later page load timed out).
    log = workdir / "server.log"
    with open(log, "w") as log_file:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _wait_until_up(url + "/", server, log)
        yield SimpleNamespace(url=url, db=sqlite3.connect(database, check_same_thread=False), mail=workdir / "mail")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reader(chromium):
    """A visitor with JavaScript switched off: every public page must work for them."""
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
