"""Built corpora are kept in .bench/ and reused: publishing thousands of items through Wagtail
takes far longer than measuring them. A corpus is reused while the code that writes its content
is unchanged (its fingerprint); schema changes reach the copy through `migrate`."""

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

FINGERPRINTED = [
    "knowledge/corpus/*.py",
    "knowledge/demo_loader.py",
    "knowledge/demo_content/*.py",
    "*/migrations/*.py",
]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in FINGERPRINTED:
        for path in sorted(settings.BASE_DIR.glob(pattern)):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def corpus_path(directory: Path, items: int, seed: int) -> Path:
    return directory / f"corpus-{items}-seed{seed}-{fingerprint()}.sqlite3"


def manage(database: Path, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603


def build(path: Path, items: int, seed: int) -> float:
    """Build a corpus file; returns the seconds its items took to publish and index."""
    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    manage(partial, "migrate", "--verbosity", "0")
    started = time.perf_counter()
    manage(partial, "generate_corpus", "--items", str(items), "--seed", str(seed))
    elapsed = time.perf_counter() - started
    manage(partial, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM')")
    partial.rename(path)
    path.with_suffix(".seconds").write_text(f"{elapsed:.1f}\n")
    return elapsed


def copy_to(path: Path, target: Path) -> None:
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    shutil.copyfile(path, target)
