"""A migrated SQLite database kept as a file, so that migrations run once, not once per test process.

Migrating an empty database takes 10-30 s of CPU here, and every pytest-xdist worker and the browser
tests' demo site used to do it again. The first process to need it migrates as usual and saves the
result; the others copy it (SQLite's backup API, milliseconds) and Django's `migrate` then finds
every migration applied. The file's name is a digest of everything a migration can read: every
migration file of every installed app, the project's own code (some migrations import it), the
installed versions of Django and Wagtail and the settings that shape the seeded rows. Change any of
them and the next run migrates from scratch again. `ESTHER_TEST_DB_TEMPLATE=0` switches it off.
"""

import fcntl
import hashlib
import importlib
import os
import sqlite3
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CODE = ("config", "home", "knowledge", "search")
FOLDER = Path(tempfile.gettempdir()) / "esther-test-databases"
# An in-memory database lives while a connection to it is open: these stay open until the end.
_RESTORED: list[sqlite3.Connection] = []


def enabled() -> bool:
    from django.db import connection

    return os.environ.get("ESTHER_TEST_DB_TEMPLATE", "1") != "0" and connection.vendor == "sqlite"


def _digest() -> str:
    import django
    import wagtail
    from django.apps import apps
    from django.conf import settings

    files: set[Path] = {path for package in PROJECT_CODE for path in (ROOT / package).rglob("*.py")}
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.migrations")
        except ImportError:
            continue
        files |= set(Path(module.__file__).parent.glob("*.py"))
    digest = hashlib.sha256()
    shaping = (settings.INSTALLED_APPS, settings.LANGUAGE_CODE, settings.LANGUAGES, settings.WAGTAIL_CONTENT_LANGUAGES)
    digest.update(repr((django.__version__, wagtail.__version__, shaping)).encode())
    for path in sorted(files):
        digest.update(str(path.relative_to(path.parents[2])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def template_path() -> Path:
    return FOLDER / f"migrated-{_digest()}.sqlite3"


class MigratedOnce:
    """Between `start()` and `finish()`, a new SQLite test database starts as a copy of the saved
    migrated one, or, when there is none yet, is saved once migrated. Holds a lock meanwhile, so
    that parallel workers wait for the one that migrates."""

    def __init__(self):
        self.template = template_path()
        self._lock = None

    def start(self) -> None:
        from django.db import connection

        FOLDER.mkdir(exist_ok=True)
        self._lock = open(self.template.with_suffix(".lock"), "w")  # noqa: SIM115 (held until finish)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if not self.template.exists():
            return
        creation = connection.creation
        create = creation._create_test_db

        def create_from_template(*args, **kwargs):
            name = create(*args, **kwargs)
            target = sqlite3.connect(name, uri=name.startswith("file:"))
            with sqlite3.connect(self.template) as source:
                source.backup(target)
            _RESTORED.append(target)
            return name

        creation._create_test_db = create_from_template

    def finish(self) -> None:
        """After the test database is set up: save it if it was migrated here; release the lock."""
        from django.db import connection

        if "_create_test_db" in vars(connection.creation):
            del connection.creation._create_test_db
        elif not self.template.exists():
            connection.ensure_connection()
            partial = self.template.with_suffix(f".{os.getpid()}.partial")
            copy = sqlite3.connect(partial)
            connection.connection.backup(copy)
            copy.close()
            partial.replace(self.template)
        self._lock.close()
