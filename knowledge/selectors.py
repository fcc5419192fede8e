"""Read queries for pages and listings, shaped so that each listing costs a fixed number of SQL queries."""

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from wagtail.models import Page

from .content_version import cached_until_content_changes
from .models import (
    CaseStudyPage,
    Country,
    FocusArea,
    KnowledgeItemPage,
    LessonPage,
    PartnershipPage,
    TestimonialPage,
)

ITEM_TYPES = {model.TYPE_SLUG: model for model in (CaseStudyPage, LessonPage, TestimonialPage)}


def published_items(within: Page | None = None) -> QuerySet[KnowledgeItemPage]:
    """Live, public knowledge items (of every type), ready for cards: newest first."""
    items = KnowledgeItemPage.objects.live().public()
    if within is not None:
        items = items.descendant_of(within)
    return with_card_data(items).order_by("-publication_date", "-pk")


def originals(items: QuerySet[KnowledgeItemPage]) -> QuerySet[KnowledgeItemPage]:
    """Each item of `items` once, in its original version: the default language's, else the first
    made (as search/documents.py `readers_of` decides; `in_reader_language` then gives a reader's)."""
    default = settings.LANGUAGE_CODE
    earlier = (
        KnowledgeItemPage.objects.live()
        .public()
        .filter(translation_key=OuterRef("translation_key"))
        .exclude(pk=OuterRef("pk"))
        .filter(Q(locale__language_code=default) | Q(pk__lt=OuterRef("pk")))
    )
    return items.filter(Q(locale__language_code=default) | ~Exists(earlier))


def with_card_data(items: QuerySet[KnowledgeItemPage]) -> QuerySet[KnowledgeItemPage]:
    return items.select_related("image", "content_type").prefetch_related(
        Prefetch("focus_areas", queryset=FocusArea.objects.order_by("sort_order")),
        Prefetch("countries", queryset=Country.objects.order_by("name")),
    )


def live_pages_of_type(model: type[Page]) -> QuerySet:
    """Live pages of a page type with few pages (libraries, partnerships). SQLite has no
    table statistics, so it joins such a type to the page table starting from the page table: a
    walk over every page (24 ms at 100,000 items to find the one library). Naming the type's own
    ids first makes it primary-key lookups."""
    return model.objects.filter(pk__in=model.objects.values("pk")).live()


class CardsSortedByIdFirst:
    """Items for Django's paginator, sorted as ids alone, with their cards loaded for the page
    shown only. Sorting whole card rows (partnership, image and summary joined) made SQLite
    sort wide rows in a temporary b-tree: 185 ms for a focus area's 48,000 items at 100,000,
    83 ms this way."""

    def __init__(self, items: QuerySet[KnowledgeItemPage]):
        self.items = items

    def count(self) -> int:
        """Kept until content changes, for each listing's own query: counting a focus area's
        48,000 items took 60 ms at 100,000, the whole library's 70 ms."""
        sql, params = self.items.query.sql_with_params()
        key = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        return cached_until_content_changes(f"listing-count-{key}", self.items.count)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[KnowledgeItemPage]:
        ids = list(self.items.values_list("pk", flat=True)[window])
        cards = with_card_data(KnowledgeItemPage.objects.filter(pk__in=ids)).in_bulk()
        return [cards[pk] for pk in ids if pk in cards]


def published_partnerships(within: Page | None = None) -> QuerySet[PartnershipPage]:
    partnerships = live_pages_of_type(PartnershipPage).public()
    if within is not None:
        partnerships = partnerships.descendant_of(within)
    return partnerships.select_related("funding_agency").prefetch_related(
        "focus_areas",
        "countries",
        Prefetch("north_institutions__country"),
        Prefetch("south_institutions__country"),
    )


def cards_in_order(ids: list[int]) -> list[KnowledgeItemPage]:
    """The live, public items among `ids` (a search's hits), ready for cards, in the order given:
    an index entry that is stale for a moment never shows a withdrawn or private item."""
    cards = with_card_data(KnowledgeItemPage.objects.live().public().filter(pk__in=ids)).in_bulk()
    return [cards[pk] for pk in ids if pk in cards]


@dataclass(frozen=True)
class TypeGroup:
    items: list[KnowledgeItemPage]  # the newest few
    total: int  # how many of this type are live

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def partnership_items(partnership: PartnershipPage, per_type: int = 6) -> dict[str, TypeGroup]:
    """The partnership's newest live items of each type, with how many of each there are, in the
    order the page shows them, in the same few queries whatever the partnership's size.
    Rendering every card of a partnership with 285 items took 300 ms; the page links to the rest
    in search. Items are found by their partnership key (set from the parent page on save), not
    by tree path: SQLite cannot use its path index for the LIKE of `child_of`, and chose to walk
    every item by date instead (175 ms at 100,000 items, 0.4 ms by key)."""
    live_children = KnowledgeItemPage.objects.live().public().filter(partnership=partnership)
    chosen: dict[str, list[int]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for pk, content_type_id in live_children.order_by("-publication_date", "-pk").values_list("pk", "content_type_id"):
        slug = ContentType.objects.get_for_id(content_type_id).model_class().TYPE_SLUG
        totals[slug] += 1
        if len(chosen[slug]) < per_type:
            chosen[slug].append(pk)
    cards = published_items().in_bulk([pk for ids in chosen.values() for pk in ids])
    return {
        slug: TypeGroup([cards[pk] for pk in chosen[slug] if pk in cards], totals[slug])
        for slug in ITEM_TYPES
        if chosen[slug]
    }


def home_figures(within: Page | None = None) -> dict[str, int]:
    """The figures on the home page, computed from what is published now."""
    partnerships = PartnershipPage.objects.live().public()
    items = KnowledgeItemPage.objects.live().public()
    if within is not None:
        partnerships = partnerships.descendant_of(within)
        items = items.descendant_of(within)
    partnership_ids = list(partnerships.values_list("pk", flat=True))
    # A union of four indexed lookups: one DISTINCT over the four joins ORed together took half a
    # second at 10,000 items.
    codes = Country.objects.order_by().values_list("code", flat=True)
    countries = (
        codes.filter(partnerships__in=partnership_ids)
        .union(
            codes.filter(institutions__north_partnerships__in=partnership_ids),
            codes.filter(institutions__south_partnerships__in=partnership_ids),
            KnowledgeItemPage.countries.through.objects.filter(knowledgeitempage__in=items.values("pk"))
            .order_by()
            .values_list("country_id", flat=True),
        )
        .count()
    )
    first_year = partnerships.aggregate(first=Min("start_year"))["first"]
    return {
        "partnerships": len(partnership_ids),
        "countries": countries,
        "case_studies": items.type(CaseStudyPage).count(),
        "years": datetime.date.today().year - first_year if first_year else 0,
    }


def focus_areas_with_counts(within: Page | None = None) -> QuerySet[FocusArea]:
    items = KnowledgeItemPage.objects.live().public()
    if within is not None:
        items = items.descendant_of(within)
    # Aggregation drops Meta.ordering, so the charter order is asked for again.
    return FocusArea.objects.annotate(
        item_count=Count("knowledge_items", filter=Q(knowledge_items__in=items.values("pk")), distinct=True)
    ).order_by("sort_order", "name")


def countries_with_counts(within: Page | None = None) -> QuerySet[Country]:
    """Countries with live, public items, each with `item_count`."""
    items = KnowledgeItemPage.objects.live().public()
    if within is not None:
        items = items.descendant_of(within)
    return (
        Country.objects.filter(knowledge_items__in=items.values("pk"))
        .annotate(item_count=Count("knowledge_items", distinct=True))
        .order_by("name")
    )


def featured_testimonials(within: Page | None = None, limit: int = 6) -> list[TestimonialPage]:
    testimonials = TestimonialPage.objects.live().public()
    if within is not None:
        testimonials = testimonials.descendant_of(within)
    return list(
        testimonials.select_related("speaker", "institution__country", "image").order_by("-publication_date")[:limit]
    )


P = TypeVar("P", bound=Page)


def in_reader_language(
    pages: list[P], language: str | None, ready: Callable[[], QuerySet[P]] = published_items
) -> list[P]:
    """Each page in `language` where it has a live, public translation, else itself: one query,
    whatever the number of pages. `ready` gives the live pages the translations are read from,
    ready for what shows them: items for cards (the default), `published_partnerships`."""
    if not language or not pages:
        return pages
    keys = [page.translation_key for page in pages]
    translated = ready().filter(translation_key__in=keys, locale__language_code=language)
    found = {page.translation_key: page for page in translated}
    return [found.get(page.translation_key, page) for page in pages]
