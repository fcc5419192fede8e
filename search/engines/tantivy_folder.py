"""The folder the tantivy index lives in: generations behind an atomic pointer, one writer.

    SEARCH_INDEX_DIR/
        current               the name of the generation readers use (replaced atomically)
        writer.lock           held by whoever writes (flock: released if the process dies)
        gen-<time>-<random>/  a tantivy index

A rebuild fills a new generation beside the live one and then replaces `current` with
os.replace, so readers never see a half-built index; each process notices the new name at its
next search. The previous generation is kept (a reader may still hold it open) and older ones
are removed. Within a generation, tantivy commits atomically: a writer killed mid-commit leaves
the last commit readable, and readers reload on commit (tantivy's OnCommit policy; the writing
process reloads at once).

tantivy allows one IndexWriter per index (another one fails at once with LockBusy). Writers of
this site take `writer.lock` first, waiting up to WRITER_WAIT seconds, then retry tantivy's own
lock for whatever else may hold it; past that, EngineUnavailable: the queue keeps the update.
"""

import fcntl
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import tantivy

from .base import EngineUnavailable
from .tantivy_schema import Analysers, build_schema, schema_fields

logger = logging.getLogger(__name__)

POINTER = "current"
LOCK = "writer.lock"
GENERATION = re.compile(r"^gen-[0-9]{8}T[0-9]{12}-[0-9a-f]{8}$")
WRITER_WAIT = 30.0  # seconds a writer waits for another one to finish
UPDATE_HEAP = 32_000_000  # bytes; tantivy wants at least 15 MB per writer thread
# A rebuild's writer buffers this much per thread before it writes a segment. The body's pairs
# are millions of distinct terms, which each segment writes out again: with 100 MB a thread,
# 25,000 items took 21 s to index, with 400 MB 14 s (600 and 1,000 MB: no faster).
REBUILD_HEAP_PER_THREAD = 400_000_000
REBUILD = "Run `manage.py search_index rebuild` to build it afresh."


class SchemaChanged(EngineUnavailable):
    """The live index was built with other fields than this code declares: only a rebuild mends it."""


class IndexFolder:
    def __init__(self, root: Path | str, analysers: Analysers | None = None, writer_wait: float = WRITER_WAIT):
        self.root = Path(root)
        self.analysers = analysers or Analysers()
        self.writer_wait = writer_wait
        self._lock = threading.Lock()
        self._open: tuple[str, tantivy.Index] | None = None

    # Reading ---------------------------------------------------------------------------------

    def current_name(self) -> str | None:
        """The live generation's name, or None when there is no index yet."""
        try:
            name = (self.root / POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise EngineUnavailable(
                f"the search index pointer {self.root / POINTER} is unreadable ({error}). {REBUILD}"
            ) from error
        if not GENERATION.match(name):
            raise EngineUnavailable(f"the search index pointer {self.root / POINTER} is damaged. {REBUILD}")
        return name

    def index(self) -> tantivy.Index:
        """The live generation, opened once per process and again after a rebuild switched it."""
        name = self.current_name()
        if name is None:
            raise EngineUnavailable(f"there is no search index in {self.root} yet. {REBUILD}")
        held = self._open
        if held is not None and held[0] == name:
            return held[1]
        with self._lock:
            if self._open is None or self._open[0] != name:
                self._open = (name, self._open_generation(name))
            return self._open[1]

    def _open_generation(self, name: str) -> tantivy.Index:
        path = self.root / name
        try:
            index = self.analysers.register(tantivy.Index.open(str(path)))
            index.searcher()  # reads every segment's metadata: a damaged one fails here, not mid-search
        except (ValueError, OSError) as error:
            raise EngineUnavailable(f"the search index in {path} cannot be read ({error}). {REBUILD}") from error
        if schema_fields(index.schema) != schema_fields(build_schema()):
            raise SchemaChanged(
                f"the search index in {path} was built by an earlier version of the site, whose search "
                f"fields differ from this one's. {REBUILD}"
            )
        return index

    def searcher(self) -> tantivy.Searcher:
        index = self.index()
        try:
            return index.searcher()
        except (ValueError, OSError) as error:
            raise EngineUnavailable(f"the search index cannot be read ({error}). {REBUILD}") from error

    # Writing ---------------------------------------------------------------------------------

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a+b") as handle:
            deadline = time.monotonic() + self.writer_wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EngineUnavailable(
                            f"another process has been writing the search index for {self.writer_wait:.0f} s; "
                            "the update stays queued"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _tantivy_writer(self, index: tantivy.Index, heap: int, threads: int) -> tantivy.IndexWriter:
        """tantivy's own writer lock, retried: something outside this site may hold it."""
        deadline = time.monotonic() + self.writer_wait
        while True:
            try:
                return index.writer(heap_size=heap, num_threads=threads)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise EngineUnavailable(f"the search index cannot be written ({error}). {REBUILD}") from error
                if time.monotonic() > deadline:
                    raise EngineUnavailable(
                        "the search index is locked by another writer; the update stays queued"
                    ) from error
                time.sleep(0.1)

    @contextmanager
    def writer(self) -> Iterator[tantivy.IndexWriter]:
        """The live generation's writer, committed when the block ends without error (rolled back
        otherwise). With no index yet, the first write creates one, as the first publication on a
        new site should; a damaged one is never replaced silently."""
        with self._writer_lock():
            if self.current_name() is None:
                name = self._create_generation()
                self._switch(name)
            index = self.index()
            writer = self._tantivy_writer(index, UPDATE_HEAP, 1)
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # releases tantivy's lock
            index.reload()  # this process sees its own commit at once; others within a second

    # Rebuilding ------------------------------------------------------------------------------

    def _create_generation(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        (self.root / name).mkdir()
        index = self.analysers.register(tantivy.Index(build_schema(), path=str(self.root / name), reuse=False))
        # An empty commit: the generation is a valid index from the start.
        writer = index.writer(heap_size=UPDATE_HEAP, num_threads=1)
        writer.commit()
        writer.wait_merging_threads()
        return name

    @contextmanager
    def new_generation(self, threads: int = 2) -> Iterator[tantivy.IndexWriter]:
        """A writer on a new, empty generation; when the block ends without error it is committed
        and readers are switched to it atomically. On error the new folder is removed and the
        live index is untouched."""
        name = self._create_generation()
        try:
            index = self.analysers.register(tantivy.Index.open(str(self.root / name)))
            writer = index.writer(heap_size=REBUILD_HEAP_PER_THREAD * threads, num_threads=threads)
            try:
                yield writer
                writer.commit()
            finally:
                writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(self.root / name, ignore_errors=True)
            raise
        with self._writer_lock():
            self._switch(name)

    def _switch(self, name: str) -> None:
        """Point readers at `name` in one rename, then forget generations older than the previous."""
        try:
            previous = self.current_name()
        except EngineUnavailable:  # a damaged pointer: the rebuild mends it
            previous = None
        temporary = self.root / f"{POINTER}.{secrets.token_hex(4)}.tmp"
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / POINTER)
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        keep = {name, previous}
        for path in self.root.iterdir():
            if path.is_dir() and GENERATION.match(path.name) and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
        logger.info("Search index switched to %s", name)
