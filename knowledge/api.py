"""The Wagtail API v2 at /api/v2/: pages, images and documents, for other systems to read our items.

Wagtail's own viewsets already limit pages to live, public pages of the site and documents
to collections the public may see; images and documents in a partnership's collection are
listed and described only once a live public page uses them, or to those who may choose them
(knowledge/publishing/visibility.py). Knowledge items add their fields through `api_fields`.
"""

import unicodedata

from django.core.exceptions import ValidationError
from wagtail.api.v2.filters import FieldsFilter, SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import TagsField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.serializers import DocumentSerializer
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.serializers import ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .models import CaseStudyPage, KnowledgeItemPage, TestimonialPage
from .publishing.visibility import visible_to

# Wagtail hands these to SQL and to the database search engine as they come, and past these
# bounds SQLite failed with a 500: an offset past 64 bits, or search text that breaks the FTS5
# syntax the engine writes (punctuation or "%" inside a phrase, only spaces, hundreds of words,
# each a level of recursion). Search text is reduced to words and quoted phrases, which is all
# the index holds anyway; what is left out of bounds gets a 400 that says why.
MAX_OFFSET = 1_000_000
MAX_SEARCH_WORDS = 32
MAX_SEARCH_LENGTH = 1000


def searchable_text(text: str) -> str:
    """Letters, digits, accents and double quotes; anything else (punctuation, symbols, controls,
    invisible characters) becomes a space, as the index's tokenizer treats it."""
    return "".join(char if char == '"' or unicodedata.category(char)[0] in "LNM" else " " for char in text)


def check_search_text(text: str) -> None:
    if len(text) > MAX_SEARCH_LENGTH:
        raise BadRequestError(f"search must be at most {MAX_SEARCH_LENGTH} characters")
    if text.count('"') % 2:
        raise BadRequestError("search has a quotation mark that is not closed")
    words = searchable_text(text).replace('"', " ").split()
    if text and not words:
        raise BadRequestError("search must contain a letter or a digit")
    if len(words) > MAX_SEARCH_WORDS:
        raise BadRequestError(f"search must be at most {MAX_SEARCH_WORDS} words")


class _WithParameters:
    """The request as a filter sees it, with other query parameters."""

    def __init__(self, request, parameters):
        self._request = request
        self.GET = parameters

    def __getattr__(self, name):
        return getattr(self._request, name)


class WordSearchFilter(SearchFilter):
    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        check_search_text(request.GET["search"])
        parameters = request.GET.copy()
        parameters["search"] = searchable_text(request.GET["search"])
        return super().filter_queryset(_WithParameters(request, parameters), queryset, view)


class CheckedFieldsFilter(FieldsFilter):
    """Wagtail's field filters, with a bad date (`?publication_date=abc`) a 400 rather than a 500."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as error:
            raise BadRequestError(f"field filter error: {' '.join(error.messages)}") from error


def _checked(backends: list) -> list:
    replacements = {SearchFilter: WordSearchFilter, FieldsFilter: CheckedFieldsFilter}
    return [replacements.get(backend, backend) for backend in backends]


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "")
        if offset.isdecimal() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset must be at most {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class HostileInputMixin:
    """Every parameter a visitor can send gets a 400 with words or a normal answer, never a 500."""

    pagination_class = BoundedPagination

    def initial(self, request, *args, **kwargs):
        # PostgreSQL refuses NUL in text (a DataError, so a 500): no parameter may carry one.
        if any("\x00" in value for _name, values in request.GET.lists() for value in values):
            raise BadRequestError("parameters must not contain NUL characters")
        super().initial(request, *args, **kwargs)

    def find_object(self, queryset, request):
        if "id" in request.GET and not request.GET["id"].isdecimal():
            raise BadRequestError("id must be a positive integer")
        return super().find_object(queryset, request)


class KnowledgePagesAPIViewSet(HostileInputMixin, PagesAPIViewSet):
    filter_backends = _checked(PagesAPIViewSet.filter_backends)

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


class PrefetchedTagsField(TagsField):
    """Tag names from the prefetched tags (Wagtail's field asks the database once per item)."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsMixin:
    def build_property_field(self, field_name, model_class):
        field_class, kwargs = super().build_property_field(field_name, model_class)
        return (PrefetchedTagsField if field_class is TagsField else field_class), kwargs


class KnowledgeImageSerializer(PrefetchedTagsMixin, ImageSerializer):
    pass


class KnowledgeDocumentSerializer(PrefetchedTagsMixin, DocumentSerializer):
    pass


class UploadsMixin:
    """A partnership's unpublished uploads are neither listed nor described (a 404, as for an
    unknown id); the tags every item shows come in one query for the whole listing."""

    def get_queryset(self):
        return visible_to(super().get_queryset(), self.request.user).prefetch_related("tags")


class KnowledgeImagesAPIViewSet(HostileInputMixin, UploadsMixin, ImagesAPIViewSet):
    base_serializer_class = KnowledgeImageSerializer
    filter_backends = _checked(ImagesAPIViewSet.filter_backends)


class KnowledgeDocumentsAPIViewSet(HostileInputMixin, UploadsMixin, DocumentsAPIViewSet):
    base_serializer_class = KnowledgeDocumentSerializer
    filter_backends = _checked(DocumentsAPIViewSet.filter_backends)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", KnowledgePagesAPIViewSet)
api_router.register_endpoint("images", KnowledgeImagesAPIViewSet)
api_router.register_endpoint("documents", KnowledgeDocumentsAPIViewSet)
