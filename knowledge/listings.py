"""The library's listings (everything, a focus area, a country) are the search with no text, newest
first: the same form validates their parameters, the same engine filters and counts, and they
show the search's facets with counts (only values that find something), the filters in force as
chips, and a 404 past the last page. The focus-area and country indexes count from the database."""

import logging
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from wagtail.models import Page

from config.languages import reader_language
from search.engines import EngineUnavailable
from search.forms import SearchForm, last_page
from search.service import run_search
from search.urls_state import FILTERS, listing_links, page_links

from .content_version import cached_until_content_changes, content_version
from .figures import cached_library_figures, figures_csv
from .models import Country, FocusArea, KnowledgeItemPage, LibraryIndexPage, PartnershipPage
from .models.taxonomy import region_name
from .selectors import (
    CardsSortedByIdFirst,
    cards_in_order,
    countries_with_counts,
    focus_areas_with_counts,
    in_reader_language,
    published_items,
    published_partnerships,
)

logger = logging.getLogger(__name__)

# Cards a listing shows per page (`page_size` may ask for 10, 20 or 50).
LISTING_PAGE_SIZE = 20


def library_listing(request: HttpRequest, library: LibraryIndexPage) -> TemplateResponse:
    context, status = listing(request, fallback=published_items(within=library.shelves))
    response = library.render(request, context_overrides=context)
    response.status_code = status
    return response


def focus_area_listing(request: HttpRequest, library: LibraryIndexPage, area: FocusArea) -> TemplateResponse:
    context, status = listing(
        request,
        fallback=published_items(within=library.shelves).filter(focus_areas=area),
        hidden=("focus_area",),
        focus_areas=(area.slug,),
    )
    context.update(
        page=library,
        focus_area=area,
        partnerships=partnerships_for_reader(
            request, published_partnerships(within=library.shelves).filter(focus_areas=area)
        ),
        content_version=content_version(),
    )
    return TemplateResponse(request, "knowledge/focus_area.html", context, status=status)


def country_listing(request: HttpRequest, library: LibraryIndexPage, country: Country) -> TemplateResponse:
    context, status = listing(
        request,
        fallback=published_items(within=library.shelves).filter(countries=country),
        hidden=("country", "region"),
        countries=(country.code,),
    )
    context.update(page=library, country=country, region_label=region_name(country.region_slug, country.region))
    return TemplateResponse(request, "knowledge/country.html", context, status=status)


def focus_area_index(request: HttpRequest, library: LibraryIndexPage) -> TemplateResponse:
    context = {"page": library, "focus_areas": focus_areas_counted(library.shelves)}
    return TemplateResponse(request, "knowledge/focus_area_index.html", context)


def country_index(request: HttpRequest, library: LibraryIndexPage) -> TemplateResponse:
    context = {"page": library, "regions": regions_with_countries(library.shelves)}
    return TemplateResponse(request, "knowledge/country_index.html", context)


def listing(
    request: HttpRequest, *, fallback: QuerySet[KnowledgeItemPage], hidden: tuple[str, ...] = (), **fixed
) -> tuple[dict, int]:
    """The context of a listing page and its status. `fixed` narrows the search to the page's own
    scope (`focus_areas=("health-policy",)`), whose facets `hidden` leaves out; `fallback` is the
    same scope read from the database, newest first, shown unfiltered when the engine cannot
    answer (the page still renders, saying so)."""
    form = SearchForm(request.GET, default_page_size=LISTING_PAGE_SIZE)
    if not form.is_valid():
        return {"form": form, "filter_error": form.error_text()}, 400
    query = form.to_query(text="", sort=form.cleaned_data.get("sort") or "newest", **fixed)
    try:
        search = run_search(query)
    except EngineUnavailable as error:
        logger.error("Search engine unavailable for a listing: %s", error)
        return _from_the_database(request, form, fallback)
    context = {
        "form": form,
        "search": search,
        "item_total": search.results.total,
        "items": cards_in_order([hit.id for hit in search.results.hits]),
        **listing_links(request.GET, search, hidden=hidden, last=last_page(query.page_size)),
    }
    return context, 404 if search.past_the_end else 200


def _from_the_database(request: HttpRequest, form: SearchForm, items: QuerySet) -> tuple[dict, int]:
    page_size = form.cleaned_data.get("page_size") or LISTING_PAGE_SIZE
    paginator = Paginator(CardsSortedByIdFirst(items), page_size)
    number = form.cleaned_data.get("page") or 1
    filtered = any(request.GET.getlist(name) for name in FILTERS)
    context = {
        "form": form,
        "unavailable": _("Filters and counts are unavailable for a moment: here is everything, newest first.")
        if filtered
        else _("Filters and counts are unavailable for a moment."),
        "item_total": paginator.count,
        "items": list(paginator.page(number)) if number <= paginator.num_pages else [],
        "pages": page_links(request.GET, number, paginator.num_pages),
        "facets": [],
        "chips": [],
    }
    # With filters asked for and not applied, the page is not what was asked for.
    return context, 503 if filtered else (404 if number > paginator.num_pages else 200)


@dataclass
class Region:
    slug: str
    name: str
    countries: list[Country]  # each with `item_count`

    @property
    def item_count(self) -> int:
        return sum(country.item_count for country in self.countries)


def regions_with_countries(within: Page) -> list[Region]:
    """Countries with published items, grouped by region, with their counts, in the reader's
    language (regions and countries in alphabetical order)."""
    countries = cached_until_content_changes(
        f"library-countries-{within.pk}", lambda: list(countries_with_counts(within=within))
    )
    regions = []
    by_region = sorted(countries, key=lambda country: country.region_slug)
    for slug, members in groupby(by_region, key=lambda country: country.region_slug):
        members = sorted(members, key=lambda country: _sort_key(country.localized_name))
        regions.append(Region(slug, region_name(slug, members[0].region) if slug else _("Other"), members))
    return sorted(regions, key=lambda region: _sort_key(region.name))


def _sort_key(name: str) -> str:
    """Alphabetical as a reader expects it: "Bénin" before "Burkina Faso", "Égypte" among the E."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def focus_areas_counted(within: Page) -> list:
    """The five focus areas in the charter's order, each with `item_count`."""
    return cached_until_content_changes(
        f"library-focus-areas-{within.pk}", lambda: list(focus_areas_with_counts(within=within))
    )


def partnerships_for_reader(request: HttpRequest, partnerships: QuerySet[PartnershipPage]) -> list[PartnershipPage]:
    """The library's partnerships (the originals), each in the reader's language where it has a
    translation, in alphabetical order of what the reader reads. Lazy: read only when the
    template's cache of the list is empty."""

    def read() -> list[PartnershipPage]:
        shown = in_reader_language(list(partnerships), reader_language(request), published_partnerships)
        return sorted(shown, key=lambda partnership: _sort_key(partnership.title))

    return SimpleLazyObject(read)


def partnership_list(request: HttpRequest, library: LibraryIndexPage) -> TemplateResponse:
    partnerships = partnerships_for_reader(request, published_partnerships(within=library.shelves))
    return TemplateResponse(
        request,
        "knowledge/partnership_list.html",
        {"page": library, "partnerships": partnerships, "content_version": content_version()},
    )


def in_numbers(request: HttpRequest, library: LibraryIndexPage) -> TemplateResponse:
    return TemplateResponse(
        request,
        "knowledge/in_numbers.html",
        {"page": library, "groups": cached_library_figures(within=library.shelves)},
    )


def in_numbers_csv(request: HttpRequest, library: LibraryIndexPage) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="esther-knowledge-hub-figures.csv"'
    figures_csv(cached_library_figures(within=library.shelves), response, request)
    return response


LIBRARY_ROUTES = {
    "index": library_listing,
    "focus_areas": focus_area_index,
    "focus_area": focus_area_listing,
    "countries": country_index,
    "country": country_listing,
    "partnerships": partnership_list,
    "in_numbers": in_numbers,
    "in_numbers_csv": in_numbers_csv,
}


def answer_library_route(library: LibraryIndexPage, request: HttpRequest, route: str, **kwargs) -> HttpResponse:
    """The library page's routes (LibraryIndexPage, through LIBRARY_ROUTE_HOOK)."""
    return LIBRARY_ROUTES[route](request, library, *kwargs.values())
