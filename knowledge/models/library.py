"""The library: index of partnerships and their knowledge items, with listings by focus area and country."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from config.languages import ReaderLanguagePageMixin, alternates

from .taxonomy import Country, FocusArea

# fn(library, request, route, **kwargs) -> HttpResponse: what answers the library's routes.
LIBRARY_ROUTE_HOOK = "knowledge_library_route"


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

    # Each route is answered by the layers above the models (knowledge/listings.py, through
    # LIBRARY_ROUTE_HOOK, registered in knowledge/wagtail_hooks.py): the listings are the search.

    def _answer(self, request, route: str, **kwargs):
        for answer in hooks.get_hooks(LIBRARY_ROUTE_HOOK):
            return answer(self, request, route, **kwargs)
        raise Http404("The library's listings are not installed")

    @path("")
    def index(self, request):
        return self._answer(request, "index")

    @path("focus-areas/", name="focus_areas")
    def focus_areas(self, request):
        return self._answer(request, "focus_areas")

    @path("focus-areas/<slug:slug>/", name="focus_area")
    def focus_area(self, request, slug):
        return self._answer(request, "focus_area", area=get_object_or_404(FocusArea, slug=slug))

    @path("countries/", name="countries")
    def countries(self, request):
        return self._answer(request, "countries")

    @path("countries/<str:code>/", name="country")
    def country(self, request, code):
        return self._answer(request, "country", country=get_object_or_404(Country, code=code.upper()))

    @path("partnerships/", name="partnerships")
    def partnerships(self, request):
        return self._answer(request, "partnerships")

    @path("in-numbers/", name="in_numbers")
    def in_numbers(self, request):
        return self._answer(request, "in_numbers")

    # Wagtail routes every path with a trailing slash; config/urls.py sends .../figures.csv here.
    @path("in-numbers/figures.csv/", name="in_numbers_csv")
    def in_numbers_csv(self, request):
        return self._answer(request, "in_numbers_csv")

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
