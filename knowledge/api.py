"""The Wagtail API v2 at /api/v2/: pages, images and documents, for other systems to read our items.

Wagtail's own viewsets already limit pages to live, public pages of the site and documents
to collections the public may see; knowledge items add their fields through `api_fields`.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .models import CaseStudyPage, KnowledgeItemPage, TestimonialPage


class KnowledgePagesAPIViewSet(PagesAPIViewSet):
    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, KnowledgeItemPage):
            # `?type=` one item type: its taxonomy in a fixed number of queries, not one per item.
            queryset = queryset.select_related("partnership", "locale").prefetch_related(
                "focus_areas", "countries", "tags", *PREFETCH.get(queryset.model, ())
            )
        return queryset


PREFETCH = {
    CaseStudyPage: ("authors__person__institution", "outcomes"),
    TestimonialPage: ("speaker", "institution"),
}

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", KnowledgePagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
