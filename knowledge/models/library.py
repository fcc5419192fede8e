"""The library: index of partnerships and their knowledge items, with listings by focus area and country."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from config.languages import ReaderLanguagePageMixin, alternates, reader_language

from .taxonomy import Country, FocusArea

ITEMS_PER_PAGE = 20


class LibraryIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowledge.PartnershipPage"]
    max_count_per_parent = 1
    template = "knowledge/library_index_page.html"

    class Meta:
        verbose_name = _("library")

    @property
    def shelves(self) -> Page:
        """Where the listings read the items from: the library in the default language, where
        every item is (a translated library lists them too, each linked in the reader's language)."""
        return self.default_language_page

    def paginate(self, request, items):
        from ..selectors import CardsSortedByIdFirst, in_reader_language

        page = Paginator(CardsSortedByIdFirst(items), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        # Each card in the reader's language where the item has a translation.
        page.object_list = in_reader_language(list(page.object_list), reader_language(request))
        return page

    @path("")
    def index(self, request):
        from ..forms import LibraryFilterForm
        from ..selectors import filter_items, published_items

        form = LibraryFilterForm(request.GET)
        if not form.is_valid():
            response = self.render(
                request, context_overrides={"form": form, "filter_error": form.error_text(), "items": None}
            )
            response.status_code = 400
            return response
        items = filter_items(published_items(within=self.shelves), form.cleaned_data)
        return self.render(request, context_overrides={"form": form, "items": self.paginate(request, items)})

    @path("focus-areas/<slug:slug>/", name="focus_area")
    def focus_area(self, request, slug):
        from ..content_version import content_version
        from ..selectors import published_items, published_partnerships

        area = get_object_or_404(FocusArea, slug=slug)
        items = published_items(within=self.shelves).filter(focus_areas=area)
        return TemplateResponse(
            request,
            "knowledge/focus_area.html",
            {
                "page": self,
                "focus_area": area,
                "items": self.paginate(request, items),
                # Read when not cached.
                "partnerships": published_partnerships(within=self.shelves).filter(focus_areas=area),
                "content_version": content_version(),
            },
        )

    @path("countries/<str:code>/", name="country")
    def country(self, request, code):
        from ..selectors import published_items

        country = get_object_or_404(Country, code=code.upper())
        items = published_items(within=self.shelves).filter(countries=country)
        return TemplateResponse(
            request,
            "knowledge/country.html",
            {"page": self, "country": country, "items": self.paginate(request, items)},
        )

    @path("partnerships/", name="partnerships")
    def partnerships(self, request):
        from ..content_version import content_version
        from ..selectors import published_partnerships

        partnerships = published_partnerships(within=self.shelves).order_by("title")  # lazy: read when not cached
        return TemplateResponse(
            request,
            "knowledge/partnership_list.html",
            {"page": self, "partnerships": partnerships, "content_version": content_version()},
        )

    @path("in-numbers/", name="in_numbers")
    def in_numbers(self, request):
        from ..figures import cached_library_figures

        return TemplateResponse(
            request, "knowledge/in_numbers.html", {"page": self, "groups": cached_library_figures(within=self.shelves)}
        )

    # Wagtail routes every path with a trailing slash; config/urls.py sends .../figures.csv here.
    @path("in-numbers/figures.csv/", name="in_numbers_csv")
    def in_numbers_csv(self, request):
        from ..figures import cached_library_figures, figures_csv

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="esther-knowledge-hub-figures.csv"'
        figures_csv(cached_library_figures(within=self.shelves), response, request)
        return response

    def get_sitemap_urls(self, request=None):
        # The figures page is a route, not a page of the tree, so the sitemap is told about it.
        urls = super().get_sitemap_urls(request)
        if urls:
            urls.append(
                {
                    "location": urls[0]["location"] + "in-numbers/",
                    "lastmod": urls[0].get("lastmod"),
                    "alternates": alternates(self, request, suffix="in-numbers/"),
                }
            )
        return urls
