"""Permanent links to knowledge items and their citations in each format; the readable page in
front of a search's Atom feed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from config.absolute_urls import absolute_url
from config.languages import with_reader

from . import citations
from .feeds import BadFeedRequest, search_feed
from .models import KnowledgeItemPage

MAX_ID = 2**63 - 1  # page ids are 64-bit


@require_safe
def permalink(request: HttpRequest, item_id: int) -> HttpResponse:
    """/k/<id>/: wherever the item lives now (title, slug and partnership may change). 302, so never cached for ever."""
    if item_id > MAX_ID:  # the database cannot even compare it (OverflowError, a 500)
        raise Http404("No such item")
    item = get_object_or_404(KnowledgeItemPage.objects.live().public(), pk=item_id)
    return redirect(item.get_url(request))


def citation_response(page: KnowledgeItemPage, request: HttpRequest, format: str) -> HttpResponse:
    """The item's citation in one of citations.FORMATS; the page's own route, so drafts and private items 404."""
    if format not in citations.FORMATS:
        raise Http404("Unknown citation format")
    item = citations.csl_item(page, citations.CitationSource.for_request(request))
    if format in citations.TEXT_STYLES:
        return HttpResponse(citations.render_text(item, format) + "\n", content_type="text/plain; charset=utf-8")
    if format == "bibtex":
        body = citations.to_bibtex([item])
    elif format == "ris":
        body = citations.to_ris([item])
    else:
        body = citations.to_csl_json([item])
    response = HttpResponse(body, content_type=citations.DOWNLOADS[format][0])
    response["Content-Disposition"] = content_disposition_header(True, citations.download_filename(page, format))
    return response


def citation_panel(page: KnowledgeItemPage, request: HttpRequest) -> dict | None:
    """What the item page's Cite panel shows: the two text styles, the permanent link, the downloads."""
    if page.pk is None:  # the preview of an item not yet saved has no permanent link
        return None
    source = citations.CitationSource.for_request(request)
    item = citations.csl_item(page, source)
    base = page.get_url(request) or page.url_path
    return {
        "vancouver": citations.render_text(item, "vancouver"),
        "apa": citations.render_text(item, "apa"),
        "permalink": item["URL"],
        "downloads": [
            {"format": name, "label": label, "url": base + page.reverse_subpage("cite", kwargs={"format": name})}
            for name, label in (("bibtex", "BibTeX"), ("ris", "RIS"), ("csl-json", "CSL-JSON"))
        ],
    }


@require_safe
def search_feed_page(request: HttpRequest) -> HttpResponse:
    """/search/feed/?<the /search/ parameters>: what a feed is, how to follow this search in a feed
    reader, and the entries its feed holds now. Browsers show an Atom feed as raw XML, so the
    search page links here; feed readers read /feeds/search.atom, which this page names in its
    head for readers that discover feeds from a page."""
    query = request.GET.urlencode()
    context = {"q": request.GET.get("q", "").strip(), "search_url": reverse("search") + (f"?{query}" if query else "")}
    try:
        feed = search_feed.get_object(request)
    except BadFeedRequest as error:
        return TemplateResponse(
            request, "knowledge/search_feed.html", {**context, "error": str(error)}, status=error.status
        )
    feed_path = with_reader(reverse("feed_search"), request.GET, request)
    context |= {"entries": feed.entries, "feed_path": feed_path, "feed_url": absolute_url(feed_path, request)}
    return TemplateResponse(request, "knowledge/search_feed.html", context)
