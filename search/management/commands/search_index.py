"""manage.py search_index rebuild|update|check: keep the search engine in step with the database."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from search.document_workers import built_documents, usable_cores
from search.documents import count_documents, iter_documents
from search.engines import EngineUnavailable, get_engine
from search.indexing import drain
from search.models import IndexQueueEntry, IndexRebuild

SHOWN_IDS = 20


class Command(BaseCommand):
    help = (
        "rebuild: index every live item afresh (readers keep the old index until it is done). "
        "update: apply queued changes, then fix whatever `check` finds. "
        "check: list items missing from or stale in the index; exits 1 when there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "check"])
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        parser.add_argument(
            "--workers",
            type=int,
            default=usable_cores(),
            help="processes building documents for rebuild and check (default: this machine's cores; 1: none)",
        )

    def handle(self, *args, action, no_progress, workers, **options):
        if workers < 1:
            raise CommandError("--workers must be 1 or more.", returncode=2)
        engine = get_engine()
        self.progress = not no_progress and sys.stderr.isatty()
        self.workers = workers
        try:
            getattr(self, f"run_{action}")(engine)
        except EngineUnavailable as error:
            raise CommandError(f"The {engine.name} search engine is unavailable: {error}") from error

    def _bar(self, total: int, label: str):
        return tqdm(total=total, desc=label, unit=" items", disable=not self.progress, file=sys.stderr)

    def run_rebuild(self, engine) -> None:
        started = timezone.now()
        total = count_documents()
        marker = IndexRebuild.objects.create(started_at=started)
        try:
            with self._bar(total, "Indexing") as bar, built_documents("prepared", self.workers) as prepared:
                engine.rebuild(prepared, bar.update)
                builders = prepared.workers
        finally:
            marker.delete()
        # Changes published while it ran waited in the queue: apply them to the new index.
        done, _waiting = drain()
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {total} items with the {engine.name} engine in {elapsed:.1f} s "
                f"({_built_by(builders)}); then applied {done} updates published meanwhile."
            )
        )

    def _differences(self, engine):
        indexed = engine.indexed_versions()
        expected = {}
        with self._bar(count_documents(), "Comparing") as bar, built_documents("versions", self.workers) as versions:
            for pk, version in versions:
                expected[pk] = version
                bar.update(1)
        missing = sorted(set(expected) - set(indexed))
        stale = sorted(pk for pk in set(expected) & set(indexed) if expected[pk] != indexed[pk])
        extra = sorted(set(indexed) - set(expected))
        return missing, stale, extra

    def run_update(self, engine) -> None:
        reason = engine.needs_rebuild()
        if reason:
            self.stdout.write(f"{reason[0].upper()}{reason[1:]} Rebuilding it now.")
            self.run_rebuild(engine)
            return
        done, waiting = drain()
        missing, stale, extra = self._differences(engine)
        fixes = missing + stale
        if fixes:
            engine.upsert(list(iter_documents(fixes)))
        if extra:
            engine.delete(extra)
        self.stdout.write(
            self.style.SUCCESS(
                f"Applied {done} queued updates; indexed {len(missing)} missing and {len(stale)} stale items, "
                f"removed {len(extra)} that should not be there."
            )
        )

    def run_check(self, engine) -> None:
        reason = engine.needs_rebuild()
        if reason:
            raise CommandError(f"{reason[0].upper()}{reason[1:]}", returncode=1)
        missing, stale, extra = self._differences(engine)
        waiting = IndexQueueEntry.objects.count()
        for label, ids in (("missing", missing), ("stale", stale), ("not live, still indexed", extra)):
            if ids:
                shown = ", ".join(map(str, ids[:SHOWN_IDS])) + (" …" if len(ids) > SHOWN_IDS else "")
                self.stdout.write(f"{len(ids)} {label}: {shown}")
        if waiting:
            self.stdout.write(f"{waiting} updates waiting in the queue.")
        # Elasticsearch: indexes a rebuild or a first write that died left behind, no alias on them.
        leftovers = engine.leftovers()
        if leftovers:
            self.stdout.write(
                f"{len(leftovers)} indexes that no alias points to (left by a rebuild that died): "
                f"{', '.join(leftovers)}. The next `search_index rebuild` removes those over six hours old."
            )
        if missing or stale or extra:
            self.stdout.write("Run `manage.py search_index update` to fix.")
            raise CommandError("The search index differs from the database.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"The {engine.name} search index matches the database."))


def _built_by(workers: int) -> str:
    return f"documents built by {workers} worker processes" if workers > 1 else "documents built in this process"
