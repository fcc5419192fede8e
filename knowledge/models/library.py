"""The library: index of partnerships and their knowledge items, with listings by focus area and country."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from config.languages import ReaderLanguagePageMixin, alternates

from .taxonomy import Country, FocusArea


class LibraryIndexPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["knowledge.PartnershipPage"]
    max_count_per_parent = 1
    template = "knowledge/library_index_page.html"

    class Meta:
        verbose_name = _("library")

    # The listings (knowledge/listings.py) sit above the search service, which reads these
    # models: each route imports them when it runs (an import at the top would be a loop).

    @path("")
    def index(self, request):
        from ..listings import library_listing

        return library_listing(request, self)

    @path("focus-areas/", name="focus_areas")
    def focus_areas(self, request):
        from ..listings import focus_area_index

        return focus_area_index(request, self)

    @path("focus-areas/<slug:slug>/", name="focus_area")
    def focus_area(self, request, slug):
        from ..listings import focus_area_listing

        return focus_area_listing(request, self, get_object_or_404(FocusArea, slug=slug))

    @path("countries/", name="countries")
    def countries(self, request):
        from ..listings import country_index

        return country_index(request, self)

    @path("countries/<str:code>/", name="country")
    def country(self, request, code):
        from ..listings import country_listing

        return country_listing(request, self, get_object_or_404(Country, code=code.upper()))

    @path("partnerships/", name="partnerships")
    def partnerships(self, request):
        from ..content_version import content_version
        from ..selectors import published_partnerships

        partnerships = published_partnerships(within=self).order_by("title")  # lazy: read when not cached
        return TemplateResponse(
            request,
            "knowledge/partnership_list.html",
            {"page": self, "partnerships": partnerships, "content_version": content_version()},
        )

    @path("in-numbers/", name="in_numbers")
    def in_numbers(self, request):
        from ..figures import cached_library_figures

        return TemplateResponse(
            request, "knowledge/in_numbers.html", {"page": self, "groups": cached_library_figures(within=self)}
        )

    # Wagtail routes every path with a trailing slash; config/urls.py sends .../figures.csv here.
    @path("in-numbers/figures.csv/", name="in_numbers_csv")
    def in_numbers_csv(self, request):
        from ..figures import cached_library_figures, figures_csv

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="esther-knowledge-hub-figures.csv"'
        figures_csv(cached_library_figures(within=self), response, request)
        return response

    def get_sitemap_urls(self, request=None):
        # The indexes and the figures page are routes, not pages of the tree, so the sitemap is
        # told about them.
        urls = super().get_sitemap_urls(request)
        if urls:
            urls += [
                {
                    "location": urls[0]["location"] + suffix,
                    "lastmod": urls[0].get("lastmod"),
                    "alternates": alternates(self, request, suffix=suffix),
                }
                for suffix in ("focus-areas/", "countries/", "in-numbers/")
            ]
        return urls
