import logging

from django_tasks import task

from .engines import EngineUnavailable

logger = logging.getLogger(__name__)
# With the immediate task backend (development) an editor's "Publish" waits for this.
WARM_AFTER_CHANGES_SECONDS = 5.0


@task()
def drain_index_queue() -> int:
    """Bring the search engine up to date with the queued changes. Safe to run at any time."""
    from .indexing import drain

    try:
        done, waiting = drain()
    except EngineUnavailable as error:
        logger.warning("Search engine unavailable, index updates stay queued: %s", error)
        return 0
    if done:
        warm_after_changes()
    return done


def warm_after_changes() -> None:
    """Bring the recent searches' cached values to the changed index here, where the change was
    applied, as Solr warms a new searcher after each commit: readers then find them in the
    shared cache instead of paying the first request after a publication. Only a speed-up: a
    failure is logged, never raised into the task."""
    from .engines import get_engine

    try:
        get_engine().warm(seconds=WARM_AFTER_CHANGES_SECONDS)
    except Exception:
        logger.exception("Could not warm the search caches after an index update")
