"""'Related items' on a knowledge page: the engine's more-like-this, or the same focus area if it is down."""

import logging

from django.conf import settings

from knowledge.models import KnowledgeItemPage
from knowledge.selectors import published_items

from .engines import EngineUnavailable, get_engine

logger = logging.getLogger(__name__)


def related_items(page: KnowledgeItemPage, limit: int = 3) -> list[KnowledgeItemPage]:
    """Each related item once, in the default language (as listings show items: its link leads to
    the reader's translation), never a version of the page itself."""
    try:
        # A new page's preview has no id yet, so nothing indexed to start from. More are asked
        # for than shown: the engine also finds the items' translations, left out here.
        ids = get_engine().more_like_this(page.pk, limit * 2) if page.pk else []
    except EngineUnavailable as error:
        logger.warning("Related items from the database instead: %s", error)
        ids = []
    originals = published_items().filter(locale__language_code=settings.LANGUAGE_CODE)
    originals = originals.exclude(translation_key=page.translation_key)
    if ids:
        found = originals.filter(pk__in=ids).in_bulk()
        return [found[pk] for pk in ids if pk in found][:limit]
    same_area = originals.filter(focus_areas__in=page.focus_areas.all()).exclude(pk=page.pk).distinct()
    return list(same_area[:limit])
