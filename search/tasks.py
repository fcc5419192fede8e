import logging

from django_tasks import task

from .engines import EngineUnavailable

logger = logging.getLogger(__name__)


@task()
def drain_index_queue() -> int:
    """Bring the search engine up to date with the queued changes. Safe to run at any time."""
    from .indexing import drain

    try:
        done, waiting = drain()
    except EngineUnavailable as error:
        logger.warning("Search engine unavailable, index updates stay queued: %s", error)
        return 0
    return done
