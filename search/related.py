"""'Related items' on a knowledge page: the engine's more-like-this, or the same focus area if it is down."""

import logging

from wagtail.models import Locale

from knowledge.models import KnowledgeItemPage
from knowledge.selectors import published_items

from .engines import EngineUnavailable, get_engine

logger = logging.getLogger(__name__)


def _originals(items: list[KnowledgeItemPage]) -> list[KnowledgeItemPage]:
    """Each item in the default language where it has a version there (listings show those)."""
    if not items:
        return items
    default = Locale.get_default()
    translated = [item.translation_key for item in items if item.locale_id != default.pk]
    if not translated:
        return items
    sources = {
        item.translation_key: item for item in published_items().filter(translation_key__in=translated, locale=default)
    }
    return [sources.get(item.translation_key, item) for item in items]


def related_items(page: KnowledgeItemPage, limit: int = 3) -> list[KnowledgeItemPage]:
    try:
        # A new page's preview has no id yet, so nothing indexed to start from.
        ids = get_engine().more_like_this(page.pk, limit) if page.pk else []
    except EngineUnavailable as error:
        logger.warning("Related items from the database instead: %s", error)
        ids = []
    if ids:
        found = published_items().filter(pk__in=ids).in_bulk()
        # Each item once, never the page's own translation: the item's original, which links
        # to the reader's translation (config/languages.py).
        originals = _originals([found[pk] for pk in ids if pk in found])
        seen = {page.translation_key}
        return [item for item in originals if not (item.translation_key in seen or seen.add(item.translation_key))]
    same_area = published_items().filter(focus_areas__in=page.focus_areas.all()).exclude(pk=page.pk).distinct()
    return list(same_area[:limit])
