"""The library "in numbers": figures computed live from what is published, each with the search
that finds the items it counts (so every figure can be checked by following its link)."""

import csv
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from config.absolute_urls import absolute_url

from .content_version import cached_until_content_changes
from .models import Country, FocusArea, Institution, KnowledgeItemPage, PartnershipPage
from .models.taxonomy import region_name
from .selectors import ITEM_TYPES, home_figures

GROUP_LABELS = {
    "total": _("Overall"),
    "type": _("Knowledge items by type"),
    "focus_area": _("Knowledge items by focus area"),
    "region": _("Knowledge items by region"),
    "year": _("Knowledge items by year of publication"),
}


@dataclass
class Figure:
    group: str
    key: str
    label: str
    count: int
    params: dict | None
    page_url: str = ""

    @property
    def url(self) -> str:
        return self.search_url or self.page_url

    @property
    def search_url(self) -> str:
        """The search listing what this figure counts; empty for figures that are not about items."""
        if self.params is None:
            return ""
        query = urlencode(self.params)
        return f"{reverse('search')}?{query}" if query else reverse("search")


@dataclass
class FigureGroup:
    name: str
    label: str
    figures: list[Figure]


def cached_library_figures(within: Page) -> list[FigureGroup]:
    """The figures, kept until something is published, moved or withdrawn, in each language (the
    labels are translated): computing them read every item several times, 1.2 s of SQL at
    100,000 items, on every view of the page and of its CSV."""
    return cached_until_content_changes(
        f"library-figures-{within.pk}-{get_language()}", lambda: library_figures(within=within)
    )


def library_figures(within: Page) -> list[FigureGroup]:
    """All the figures of the "in numbers" page, in a fixed number of queries."""
    items = KnowledgeItemPage.objects.live().public().descendant_of(within)
    item_ids = items.values("pk")
    overall = home_figures(within=within)
    partnerships = PartnershipPage.objects.live().public().descendant_of(within).values("pk")
    institutions = (
        Institution.objects.filter(Q(north_partnerships__in=partnerships) | Q(south_partnerships__in=partnerships))
        .distinct()
        .count()
    )
    by_type = dict(
        items.order_by().values("content_type__model").annotate(n=Count("pk")).values_list("content_type__model", "n")
    )
    total = sum(by_type.values())
    totals = [
        Figure(
            "total",
            "partnerships",
            str(_("Partnerships")),
            overall["partnerships"],
            None,
            within.get_url() + "partnerships/",
        ),
        Figure("total", "countries", str(_("Countries")), overall["countries"], None),
        Figure("total", "institutions", str(_("Institutions")), institutions, None),
        Figure("total", "items", str(_("Knowledge items")), total, {}),
    ]
    types = [
        Figure(
            "type",
            slug,
            str(model._meta.verbose_name_plural).capitalize(),
            by_type.get(model._meta.model_name, 0),
            {"type": slug},
        )
        for slug, model in ITEM_TYPES.items()
    ]
    areas = [
        Figure("focus_area", area.slug, area.localized_name, area.n, {"focus_area": area.slug})
        for area in FocusArea.objects.annotate(
            n=Count("knowledge_items", filter=Q(knowledge_items__in=item_ids), distinct=True)
        ).order_by("sort_order", "name")
    ]
    regions = [
        Figure(
            "region",
            row["region_slug"],
            region_name(row["region_slug"], row["region"]),
            row["n"],
            {"region": row["region_slug"]},
        )
        for row in Country.objects.exclude(region_slug="")
        .filter(knowledge_items__in=item_ids)
        .values("region_slug", "region")
        .annotate(n=Count("knowledge_items", distinct=True))
        .order_by("-n", "region")
    ]
    years = [
        Figure("year", str(row["year"]), str(row["year"]), row["n"], {"year_from": row["year"], "year_to": row["year"]})
        for row in items.order_by()
        .annotate(year=ExtractYear("publication_date"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    ]
    return [
        FigureGroup(name, str(GROUP_LABELS[name]), figures)
        for name, figures in (
            ("total", totals),
            ("type", types),
            ("focus_area", areas),
            ("region", regions),
            ("year", years),
        )
    ]


def figures_csv(groups: list[FigureGroup], out, request) -> None:
    """The figures as CSV rows (group, key, label, count, search URL), written to `out`."""
    writer = csv.writer(out)
    writer.writerow(["group", "key", "label", "count", "url"])
    for group in groups:
        for figure in group.figures:
            url = absolute_url(figure.url, request) if figure.url else ""
            writer.writerow([group.name, figure.key, figure.label, figure.count, url])
