"""Keeping the engine in step with what is published, through a durable queue.

A change writes IndexQueueEntry rows in its own transaction; once it commits, a task drains the
queue: each queued page is indexed if it is live and public, removed otherwise. An engine that
is down leaves the rows in place for the next drain, so updates are delayed, never lost.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from knowledge.models import KnowledgeItemPage

from .documents import indexable_ids, iter_documents
from .engines import EngineUnavailable, get_engine
from .models import IndexQueueEntry, IndexRebuild

logger = logging.getLogger(__name__)
DRAIN_BATCH = 500


def enqueue(page_ids) -> None:
    """Queue pages for re-indexing once the current transaction commits."""
    page_ids = {int(pk) for pk in page_ids}
    if not page_ids:
        return
    now = timezone.now()
    existing = set(IndexQueueEntry.objects.filter(page_id__in=page_ids).values_list("page_id", flat=True))
    IndexQueueEntry.objects.filter(page_id__in=existing).update(enqueued_at=now)
    IndexQueueEntry.objects.bulk_create(
        [IndexQueueEntry(page_id=pk, enqueued_at=now) for pk in page_ids - existing], ignore_conflicts=True
    )
    transaction.on_commit(_schedule_drain)


def enqueue_items_under(page) -> None:
    """Queue every knowledge item at or below a page (a move, a privacy change, a partnership rename)."""
    enqueue(KnowledgeItemPage.objects.filter(path__startswith=page.path).values_list("pk", flat=True))


def _schedule_drain() -> None:
    try:
        drain_index_queue.enqueue()
    except Exception:  # a task backend that is down must not break publishing
        logger.exception("Could not schedule the search index update; `manage.py search_index update` will do it")


def drain(limit: int | None = None) -> tuple[int, int]:
    """Apply queued updates. Returns (indexed or removed, still waiting). Raises EngineUnavailable."""
    if IndexRebuild.running():
        return 0, IndexQueueEntry.objects.count()
    engine = get_engine()
    done = 0
    while limit is None or done < limit:
        entries = list(IndexQueueEntry.objects.order_by("enqueued_at")[:DRAIN_BATCH])
        if not entries:
            break
        taken_at = max(entry.enqueued_at for entry in entries)
        ids = [entry.page_id for entry in entries]
        live = indexable_ids(ids)
        try:
            documents = list(iter_documents(sorted(live))) if live else []
            if documents:
                engine.upsert(documents)
            gone = set(ids) - {document["id"] for document in documents}
            if gone:
                engine.delete(sorted(gone))
        except EngineUnavailable as error:
            IndexQueueEntry.objects.filter(page_id__in=ids).update(
                attempts=F("attempts") + 1, last_error=str(error)[:1000]
            )
            raise
        # Entries re-queued while we worked (newer enqueued_at) stay for the next round.
        IndexQueueEntry.objects.filter(page_id__in=ids, enqueued_at__lte=taken_at).delete()
        done += len(ids)
    return done, IndexQueueEntry.objects.count()


@task()
def drain_index_queue() -> int:
    """Bring the search engine up to date with the queued changes. Safe to run at any time."""
    try:
        done, waiting = drain()
    except EngineUnavailable as error:
        logger.warning("Search engine unavailable, index updates stay queued: %s", error)
        return 0
    return done
