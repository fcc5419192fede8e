"""One search document per live, public knowledge item: what every engine indexes."""

import hashlib
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from itertools import islice

from django.conf import settings
from django.db.models import QuerySet
from django.utils.html import strip_tags
from wagtail.blocks import RichTextBlock
from wagtail.models import Page

from knowledge.models import (
    CaseStudyPage,
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


@dataclass
class Related:
    """What a document holds of an item's focus areas, countries, tags and partnership."""

    focus_areas: list[str] = field(default_factory=list)  # slugs
    countries: list[tuple[str, str]] = field(default_factory=list)  # (code, region slug)
    tags: list[str] = field(default_factory=list)
    partnership: tuple[str, str] = ("", "")  # (slug, title)


def related_values(pages: list[KnowledgeItemPage]) -> dict[int, Related]:
    """The items' relations in four queries of plain values: a model instance for each focus area,
    country, tag and partnership of a batch cost more than the rest of its documents."""
    related = {page.pk: Related() for page in pages}
    ids = list(related)
    areas = KnowledgeItemPage.focus_areas.through.objects.filter(knowledgeitempage_id__in=ids)
    for pk, slug in areas.values_list("knowledgeitempage_id", "focusarea__slug"):
        related[pk].focus_areas.append(slug)
    countries = KnowledgeItemPage.countries.through.objects.filter(knowledgeitempage_id__in=ids)
    for pk, code, region in countries.values_list("knowledgeitempage_id", "country__code", "country__region_slug"):
        related[pk].countries.append((code, region))
    for pk, name in KnowledgeItemTag.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag__name"
    ):
        related[pk].tags.append(name)
    partnerships = {page.partnership_id for page in pages if page.partnership_id}
    names = {
        pk: (slug, title)
        for pk, slug, title in PartnershipPage.objects.filter(pk__in=partnerships).values_list("pk", "slug", "title")
    }
    for page in pages:
        if page.partnership_id in names:
            related[page.pk].partnership = names[page.partnership_id]
    return related


def build_document(page: KnowledgeItemPage, versions: Versions | None = None, related: Related | None = None) -> dict:
    """The search document of a specific item page (CaseStudyPage, LessonPage or TestimonialPage).
    `versions`: the item's versions (`versions_of`), `related`: its relations' values
    (`related_values`); each read here when not given."""
    if versions is None:
        versions = versions_of([page.translation_key]).get(page.translation_key, {})
    if related is None:
        related = related_values([page])[page.pk]
    countries = sorted(related.countries)
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
        "focus_areas": sorted(related.focus_areas),
        "countries": [code for code, _region in countries],
        "regions": sorted({region for _code, region in countries if region}),
        "partnership": related.partnership[0],
        "partnership_title": related.partnership[1],
        "tags": sorted(related.tags),
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
    """The items of one type with what their body text reads; their other relations come from
    `related_values`."""
    related = []
    if model is CaseStudyPage:
        related += ["outcomes", "authors__person"]
    elif model is TestimonialPage:
        related += ["speaker", "institution"]
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
        pages = queryset.iterator(chunk_size=BATCH)
        while batch := list(islice(pages, BATCH)):
            related = related_values(batch)
            for page in batch:
                yield build_document(page, versions.get(page.translation_key, {}), related[page.pk])


def indexable_ids(ids: list[int]) -> set[int]:
    return set(indexable(Page.objects.filter(pk__in=ids)).type(KnowledgeItemPage).values_list("pk", flat=True))
