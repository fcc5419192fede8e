"""Atom feeds: the latest items, and any search as a feed (/feeds/search.atom takes /search/'s parameters).

Feeds have no language prefix: `reader=fr` asks for a French reader's feed, as the French pages
link it. Each item is listed once, in the reader's language where it has a translation, else the
original, whose entry says its language (xml:lang); the feed's own words are the reader's."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from config.absolute_urls import absolute_url
from config.languages import in_language
from search.engines import EngineUnavailable
from search.forms import PAGE_SIZES, ReaderForm, SearchForm
from search.service import current_reader, run_search

from .selectors import in_reader_language, originals, published_items
from .syndication import ItemDescription, describe_items

logger = logging.getLogger(__name__)
LATEST_COUNT = 50


class MultiAuthorAtomFeed(Atom1Feed):
    """Atom with every author of an entry (Django writes one) and the entry's own language."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


@dataclass
class FeedRequest:
    """What a feed shows, worked out once per request (feed instances are shared between requests)."""

    request: HttpRequest
    entries: list[ItemDescription]
    title: str
    link: str


class BadFeedRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class ItemFeed(Feed):
    feed_type = MultiAuthorAtomFeed

    def __call__(self, request, *args, **kwargs):
        form = ReaderForm(request.GET)
        if not form.is_valid():
            return HttpResponse(form.error_text(), status=400, content_type="text/plain; charset=utf-8")
        # The reader's language for the feed's words, its links and which version of each item.
        with translation.override(form.cleaned_data["reader"] or settings.LANGUAGE_CODE):
            try:
                return super().__call__(request, *args, **kwargs)
            except BadFeedRequest as error:
                return HttpResponse(str(error), status=error.status, content_type="text/plain; charset=utf-8")

    def title(self, obj: FeedRequest) -> str:
        return obj.title

    # Absolute here, from the Wagtail site, so that Django does not complete them from the Host header.
    def link(self, obj: FeedRequest) -> str:
        return absolute_url(obj.link, obj.request)

    def feed_url(self, obj: FeedRequest) -> str:
        return absolute_url(obj.request.get_full_path(), obj.request)

    def subtitle(self, obj: FeedRequest) -> str:
        return _("Case studies, lessons learned and testimonials from global health partnerships.")

    def items(self, obj: FeedRequest) -> list[ItemDescription]:
        return obj.entries

    def item_title(self, item: ItemDescription) -> str:
        return item.page.title

    def item_description(self, item: ItemDescription) -> str:
        return item.page.summary

    def item_link(self, item: ItemDescription) -> str:
        return item.url

    def item_guid(self, item: ItemDescription) -> str:
        return item.permanent_url

    def item_pubdate(self, item: ItemDescription):
        return item.published

    def item_updateddate(self, item: ItemDescription):
        return item.page.last_published_at

    def item_categories(self, item: ItemDescription) -> list[str]:
        return item.focus_areas

    def item_extra_kwargs(self, item: ItemDescription) -> dict:
        return {"authors": item.creators, "language": item.page.language}


def _linked_for(reader: str) -> str | None:
    """The language entries link in: None for the default one (each page's own address)."""
    return reader if reader != settings.LANGUAGE_CODE else None


class LatestItemsFeed(ItemFeed):
    def get_object(self, request, *args, **kwargs) -> FeedRequest:
        reader = current_reader()
        latest = in_reader_language(list(originals(published_items())[:LATEST_COUNT]), reader)
        entries = describe_items(request, latest, reader=_linked_for(reader))
        title = _("ESTHER Knowledge Hub: latest items")
        return FeedRequest(request, entries, title, in_language("/", reader))


class SearchFeed(ItemFeed):
    def get_object(self, request, *args, **kwargs) -> FeedRequest:
        # Without page_size a feed carries as many entries as the largest search page.
        form = SearchForm(request.GET, default_page_size=max(PAGE_SIZES))
        if not form.is_valid():
            raise BadFeedRequest(form.error_text())
        # A feed is read newest first whatever order the page was sorted in.
        query = form.to_query(sort="newest")
        try:
            search = run_search(query)
        except EngineUnavailable as error:
            logger.error("Search engine unavailable: %s", error)
            raise BadFeedRequest(
                _("Search is unavailable for a moment; please try again in a few minutes."), 503
            ) from error
        ids = [hit.id for hit in search.results.hits]
        # Read from the database, not the index: what the feed shows is what is live and public now.
        pages = published_items().filter(pk__in=ids).in_bulk()
        entries = describe_items(
            request, [pages[pk] for pk in ids if pk in pages], reader=_linked_for(current_reader())
        )
        text = form.cleaned_data.get("q")
        title = (
            _("ESTHER Knowledge Hub: search for “%(q)s”") % {"q": text} if text else _("ESTHER Knowledge Hub: search")
        )
        params = request.GET.copy()
        params.pop("reader", None)
        link = reverse("search") + "?" + params.urlencode()  # under the reader's prefix
        return FeedRequest(request, entries, title, link)


latest_items_feed = LatestItemsFeed()
search_feed = SearchFeed()
