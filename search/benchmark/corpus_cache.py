"""Built corpora are kept in .bench/ and reused: building 100,000 items takes a quarter of an
hour, measuring them less. A corpus is reused while the code that writes its content
is unchanged (its fingerprint); schema changes reach the copy through `migrate`.

Item i depends only on (seed, i), so a smaller corpus is the start of a larger one: a new size
starts from the largest cached corpus below it and publishes only the rest. A build that was
stopped (its `.partial` file is left) carries on where it stopped.
"""

import fcntl
import hashlib
import inspect
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from knowledge.demo_loader import publish_new

# The code that writes the corpus's own items: knowledge/corpus/ (what each item is, and the bulk
# writer) and the one function of the demo loader that publishes them through Wagtail. Left out:
# the demo content, which the corpus starts from but which is a few dozen pages among thousands of
# items (a change to it would otherwise throw a corpus of hours away); the models, whose schema
# reaches a copy through `migrate` (a change to what saving an item fills in, which the bulk writer
# shares through `fill_in_from_place`, does not: delete .bench/corpus-* by hand then); and the search
# index, which the benchmark rebuilds on every run.
FINGERPRINTED = ["knowledge/corpus/*.py"]
FINGERPRINTED_FUNCTIONS = [publish_new]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in FINGERPRINTED:
        for path in sorted(settings.BASE_DIR.glob(pattern)):
            digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
            digest.update(path.read_bytes())
    for function in FINGERPRINTED_FUNCTIONS:
        digest.update(f"{function.__module__}.{function.__qualname__}".encode())
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:12]


def corpus_path(directory: Path, items: int, seed: int) -> Path:
    return directory / f"corpus-{items}-seed{seed}-{fingerprint()}.sqlite3"


def manage(database: Path, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True)  # noqa: S603


def recorded(path: Path) -> tuple[float, int]:
    """(seconds, items) the corpus's publishing through Wagtail was timed over (its first items;
    the rest were written in bulk): "<seconds> <items>", or the older "<seconds>" alone for a
    corpus built in one run."""
    fields = path.with_suffix(".seconds").read_text().split()
    seconds = float(fields[0])
    items = int(fields[1]) if len(fields) > 1 else int(path.name.split("-")[1])
    return seconds, items


def smaller_corpus(path: Path, items: int, seed: int) -> Path | None:
    """The largest cached corpus of the same seed and fingerprint with fewer items."""
    fingerprint_ = path.name.rsplit("-", 1)[1].removesuffix(".sqlite3")
    sizes = []
    for candidate in path.parent.glob(f"corpus-*-seed{seed}-{fingerprint_}.sqlite3"):
        size = int(candidate.name.split("-")[1])
        if size < items and candidate.with_suffix(".seconds").exists():
            sizes.append((size, candidate))
    return max(sizes)[1] if sizes else None


def build(path: Path, items: int, seed: int, log=print) -> tuple[float, int]:
    """Build a corpus file; returns (seconds, items) its publishing through Wagtail (its first items,
    each indexed by the search queue) was timed over.
    One build of a corpus at a time: two would publish the same items twice."""
    with path.with_suffix(".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = f"Another process is building {path.name}; wait for it to finish."
            raise CommandError(message, returncode=2) from None
        return _build(path, items, seed, log)


def _build(path: Path, items: int, seed: int, log) -> tuple[float, int]:
    partial = path.with_suffix(".partial")
    runs = partial.with_name(partial.name + ".runs")
    if partial.exists():
        log(f"Carrying on with {partial.name}, left by a build that was stopped.")
    else:
        remove_beside(partial)
        base = smaller_corpus(path, items, seed)
        if base is not None:
            log(f"Starting from {base.name}: its items are the first of this corpus.")
            shutil.copyfile(base, partial)
            runs.write_text("{} {}\n".format(*recorded(base)))
    manage(partial, "migrate", "--verbosity", "0")
    manage(partial, "generate_corpus", "--items", str(items), "--seed", str(seed), "--record", str(runs))
    started = time.perf_counter()
    manage(partial, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM')")
    log(f"VACUUM: {time.perf_counter() - started:.0f} s.")
    seconds, published = 0.0, 0
    for line in (runs.read_text() if runs.exists() else "").split("\n"):  # none: nothing was left to add
        if line.strip():
            run_seconds, run_items = line.split()
            seconds, published = seconds + float(run_seconds), published + int(run_items)
    partial.rename(path)
    runs.unlink(missing_ok=True)
    remove_beside(partial)  # its scratch search index: every run rebuilds its own
    path.with_suffix(".seconds").write_text(f"{seconds:.1f} {published}\n")
    return seconds, published


def remove_beside(database: Path) -> None:
    """A database file and what lives beside it: its journal, its search index folder."""
    for leftover in database.parent.glob(database.name + "*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def copy_to(path: Path, target: Path) -> None:
    remove_beside(target)
    shutil.copyfile(path, target)
