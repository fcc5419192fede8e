"""'Related items' on a knowledge page: the engine's more-like-this, or the same focus area if it is down."""

import logging

from knowledge.models import KnowledgeItemPage
from knowledge.selectors import published_items

from .engines import EngineUnavailable, get_engine

logger = logging.getLogger(__name__)


def related_items(page: KnowledgeItemPage, limit: int = 3) -> list[KnowledgeItemPage]:
    try:
        # A new page's preview has no id yet, so nothing indexed to start from.
        ids = get_engine().more_like_this(page.pk, limit) if page.pk else []
    except EngineUnavailable as error:
        logger.warning("Related items from the database instead: %s", error)
        ids = []
    if ids:
        found = published_items().filter(pk__in=ids).in_bulk()
        return [found[pk] for pk in ids if pk in found]
    same_area = published_items().filter(focus_areas__in=page.focus_areas.all()).exclude(pk=page.pk).distinct()
    return list(same_area[:limit])
