"""What feeds and harvesters say about an item: one description, built for a whole list at once.

Authors and licences live on the case-study table, so they are fetched for the whole list in
two queries instead of one per item (feeds and OAI-PMH pages answer in a constant number of queries).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from config.absolute_urls import absolute_url
from config.languages import page_path_in

from .models import CaseStudyAuthor, CaseStudyPage, KnowledgeItemPage, PartnershipPage


def permanent_path(page_id: int) -> str:
    """The item's permanent link (/k/<id>/), which survives moves and slug changes."""
    return reverse("knowledge_permalink", args=[page_id])


@dataclass
class ItemDescription:
    page: KnowledgeItemPage
    url: str
    permanent_url: str
    creators: list[str]
    focus_areas: list[str]
    focus_area_slugs: list[str]
    countries: list[str]
    licence: str
    licence_url: str

    @property
    def published(self) -> datetime.datetime:
        return datetime.datetime.combine(self.page.publication_date, datetime.time.min, tzinfo=datetime.UTC)


def describe_items(
    request: HttpRequest, pages: Iterable[KnowledgeItemPage], reader: str | None = None
) -> list[ItemDescription]:
    """Describe pages from `selectors.published_items()` (focus areas and countries prefetched).
    With `reader` (an interface language), each links to where that reader reads it: its
    translation, else the page under the reader's prefix."""
    pages = list(pages)
    ids = [page.pk for page in pages]
    authors: dict[int, list[str]] = defaultdict(list)
    for page_id, name in (
        CaseStudyAuthor.objects.filter(page_id__in=ids)
        .order_by("page_id", "sort_order")
        .values_list("page_id", "person__name")
    ):
        authors[page_id].append(name)
    licences = dict(CaseStudyPage.objects.filter(pk__in=ids).values_list("pk", "licence"))
    # An item with no named authors is credited to its partnership.
    partnerships = {page.partnership_id for page in pages if page.partnership_id}
    partnership_titles = dict(PartnershipPage.objects.filter(pk__in=partnerships).values_list("pk", "title"))
    labels = dict(CaseStudyPage.Licence.choices)
    described = []
    for page in pages:
        licence = licences.get(page.pk, "")
        fallback = [partnership_titles[page.partnership_id]] if page.partnership_id in partnership_titles else []
        described.append(
            ItemDescription(
                page=page,
                url=absolute_url(
                    (reader and page_path_in(page, reader, request)) or page.get_url(request) or page.url_path, request
                ),
                permanent_url=absolute_url(permanent_path(page.pk), request),
                creators=authors.get(page.pk) or fallback,
                focus_areas=[area.name for area in page.focus_areas.all()],
                focus_area_slugs=[area.slug for area in page.focus_areas.all()],
                countries=[country.name for country in page.countries.all()],
                licence=str(labels.get(licence, "")),
                licence_url=CaseStudyPage.LICENCE_URLS.get(licence, ""),
            )
        )
    return described
