"""One search document per live, public knowledge item: what every engine indexes."""

import hashlib
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from html import unescape

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.html import strip_tags
from wagtail.blocks import RichTextBlock
from wagtail.models import Page

from knowledge.models import (
    CaseStudyPage,
    Country,
    KnowledgeItemPage,
    KnowledgeItemTag,
    LessonPage,
    PartnershipPage,
    TestimonialPage,
)

BATCH = 500


def _text(html: str) -> str:
    html = html or ""
    if "<" in html or "&" in html:  # most parts are plain text already (rich text comes stripped)
        html = unescape(strip_tags(html))
    return " ".join(html.split())


# Wagtail's get_text_for_indexing, with the tags dropped by one pattern instead of Django's
# strip_tags, an HTML parser run until the text stops changing (0.7 ms of the 4 ms a case
# study's document costs). Rich text is the editor's own well-formed HTML, and this text only
# feeds the index and the highlights, which escape it.
BLOCK_END = re.compile(r"(</(?:p|h\d|li|blockquote)>|<(?:br|hr)\s*/>)", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def _rich_text(source: str) -> str:
    return unescape(TAG.sub("", BLOCK_END.sub(r"\1 ", source)).strip())


def _rich_text_field(source: str) -> str:
    """A RichTextField's text, as the stream's rich text blocks are read, on one line."""
    return " ".join(_rich_text(source or "").split())


def _stream_text(page: CaseStudyPage) -> list[str]:
    """StreamBlock.get_searchable_content, block by block, with rich text as above."""
    parts = []
    for child in page.body:
        if isinstance(child.block, RichTextBlock):
            parts.append(_rich_text(child.value.source))
        else:
            parts += child.block.get_searchable_content(child.value)
    return [_text(str(part)) for part in parts]


def body_text(page: KnowledgeItemPage) -> str:
    """The item's readable text beyond its title and summary, in reading order."""
    if isinstance(page, CaseStudyPage):
        parts = _stream_text(page)
        parts += [f"{o.indicator}. {o.source}".strip(". ") for o in page.outcomes.all()]
        parts += [author.person.name for author in page.authors.all()]
    elif isinstance(page, LessonPage):
        parts = [
            page.lesson,
            *(
                _rich_text_field(getattr(page, name))
                for name in ("context", "what_worked", "what_did_not", "recommendation")
            ),
        ]
    elif isinstance(page, TestimonialPage):
        parts = [page.quote, page.speaker.name, page.speaker_role, page.institution.name if page.institution else ""]
    else:
        parts = []
    return "\n".join(part for part in parts if part)


# An item's versions: its live, public pages in each locale (the original and its translations).
Versions = dict[str, int]


def versions_of(keys: QuerySet | list | None = None) -> dict[uuid.UUID, Versions]:
    """translation_key -> {locale's language code: page id} over indexable items (of `keys` only,
    when given): one query."""
    pages = indexable(KnowledgeItemPage.objects.all())
    if keys is not None:
        pages = pages.filter(translation_key__in=keys)
    found: dict[uuid.UUID, Versions] = defaultdict(dict)
    for key, code, pk in pages.values_list("translation_key", "locale__language_code", "pk").order_by("pk"):
        found[key].setdefault(code, pk)
    return found


def readers_of(page_id: int, versions: Versions) -> list[str]:
    """The interface languages whose readers are shown this version of an item: their own
    language's version where there is one, else the original (the default language's version,
    or the first made). Search shows each item once, in this version (search/service.py)."""
    original = versions.get(settings.LANGUAGE_CODE) or min(versions.values(), default=page_id)
    return [code for code, _name in settings.LANGUAGES if versions.get(code, original) == page_id]


def build_document(page: KnowledgeItemPage, versions: Versions | None = None) -> dict:
    """The search document of a specific item page (CaseStudyPage, LessonPage or TestimonialPage).
    `versions`: the item's versions (`versions_of`), read here when not given."""
    if versions is None:
        versions = versions_of([page.translation_key]).get(page.translation_key, {})
    countries = sorted(page.countries.all(), key=lambda c: c.code)
    document = {
        "id": page.pk,
        "type": page.TYPE_SLUG,
        "title": page.title,
        "summary": page.summary,
        "body": body_text(page),
        "language": page.language,
        "url": page.get_url() or page.url_path,
        "publication_date": page.publication_date.isoformat(),
        "year": page.publication_date.year,
        "focus_areas": sorted(area.slug for area in page.focus_areas.all()),
        "countries": [country.code for country in countries],
        "regions": sorted({country.region_slug for country in countries if country.region_slug}),
        "partnership": page.partnership.slug if page.partnership else "",
        "partnership_title": page.partnership.title if page.partnership else "",
        # Through the prefetched tagged items: the tag manager would query again for each page.
        "tags": sorted(tagged.tag.name for tagged in page.tagged_items.all()),
        "readers": readers_of(page.pk, versions),
    }
    # A fingerprint to spot stale index entries, not a security measure.
    document["version"] = hashlib.sha1(
        json.dumps(document, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    return document


def indexable(queryset: QuerySet) -> QuerySet:
    """Only what the public may see: live pages with no view restriction on them or above them."""
    return queryset.live().public()


def _prefetched(model) -> QuerySet:
    related = [
        "focus_areas",
        Prefetch("tagged_items", queryset=KnowledgeItemTag.objects.select_related("tag")),
        Prefetch("countries", queryset=Country.objects.only("code", "region_slug")),
    ]
    if model is CaseStudyPage:
        related += ["outcomes", "authors__person"]
    elif model is LessonPage:
        pass
    elif model is TestimonialPage:
        related += ["speaker", "institution"]
    # The partnership's name and slug only, once per partnership of a batch (a joined row made a
    # whole partnership page for every item).
    related.append(Prefetch("partnership", queryset=PartnershipPage.objects.only("slug", "title")))
    return indexable(model.objects.all()).prefetch_related(*related).order_by("pk")


def count_documents() -> int:
    return indexable(KnowledgeItemPage.objects.all()).count()


def iter_documents(ids: list[int] | None = None) -> Iterator[dict]:
    """Documents for every indexable item (or those of `ids`), built in batches of fixed query cost."""
    keys = None if ids is None else Page.objects.filter(pk__in=ids).values("translation_key")
    versions = versions_of(keys)
    for model in (CaseStudyPage, LessonPage, TestimonialPage):
        queryset = _prefetched(model)
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        for page in queryset.iterator(chunk_size=BATCH):
            yield build_document(page, versions.get(page.translation_key, {}))


def indexable_ids(ids: list[int]) -> set[int]:
    return set(indexable(Page.objects.filter(pk__in=ids)).type(KnowledgeItemPage).values_list("pk", flat=True))
