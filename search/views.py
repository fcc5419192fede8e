"""/search/ (HTML), /api/search/ and /api/search/autocomplete/ (JSON): one search behind all three."""

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from config.absolute_urls import absolute_url

from .engines import EngineUnavailable
from .forms import AutocompleteForm, SearchForm, last_page
from .service import SearchPage, run_search, suggest
from .urls_state import listing_links, with_text

logger = logging.getLogger(__name__)
AUTOCOMPLETE_LIMIT = 8


def _unavailable_message() -> str:
    return _("Search is unavailable for a moment. Every other page works; please try again in a few minutes.")


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "q": request.GET.get("q", "")[:500]}
    if not form.is_valid():
        context["error"] = form.error_text()
        return render(request, "search/search.html", context, status=400)
    try:
        page = run_search(form.to_query())
    except EngineUnavailable as error:
        logger.error("Search engine unavailable: %s", error)
        context["unavailable"] = _unavailable_message()
        return render(request, "search/search.html", context, status=503)
    context.update(search=page, **listing_links(request.GET, page, last=last_page(page.query.page_size)))
    if page.results.suggestion:
        context["suggestion_url"] = with_text(request.GET, page.results.suggestion)
    # A page past the last one is not a page of this search (a stale link, a guessed number).
    return render(request, "search/search.html", context, status=404 if page.past_the_end else 200)


def _as_json(request, page: SearchPage) -> dict:
    return {
        "total": page.results.total,
        "page": page.query.page,
        "page_size": page.query.page_size,
        "pages": page.pages,
        "sort": page.query.sort,
        "suggestion": page.results.suggestion,
        "relaxed": page.results.relaxed,
        "results": [
            {
                "id": labelled.hit.id,
                "title": labelled.hit.title,
                "url": absolute_url(labelled.hit.url, request),
                "type": labelled.hit.type,
                "summary": labelled.hit.summary,
                "highlights": labelled.hit.highlights,
                "matched_in": labelled.hit.matched_in,
                "language": labelled.hit.language,
                "date": labelled.hit.publication_date.isoformat(),
                "focus_areas": [{"value": value, "label": label} for value, label in labelled.focus_areas],
                "countries": [{"value": value, "label": label} for value, label in labelled.countries],
            }
            for labelled in page.hits
        ],
        "facets": {
            facet.name: [
                {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected} for o in facet.options
            ]
            for facet in page.facets
        },
    }


@require_GET
def search_api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.error_text()}, status=400)
    try:
        page = run_search(form.to_query())
    except EngineUnavailable as error:
        logger.error("Search engine unavailable: %s", error)
        return JsonResponse({"error": _unavailable_message()}, status=503)
    return JsonResponse(_as_json(request, page), json_dumps_params={"ensure_ascii": False})


@require_GET
def autocomplete_api(request):
    """Titles completing `q`, each item once, in the language `reader` names (the page's own,
    sent by autocomplete.js: this address has no language prefix)."""
    form = AutocompleteForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.error_text()}, status=400)
    try:
        suggestions = suggest(form.cleaned_data["q"][:200], AUTOCOMPLETE_LIMIT, form.cleaned_data["reader"] or None)
    except EngineUnavailable as error:
        logger.error("Search engine unavailable: %s", error)
        return JsonResponse({"error": _unavailable_message()}, status=503)
    return JsonResponse(
        {"suggestions": [{"title": s.title, "url": s.url, "type": s.type} for s in suggestions]},
        json_dumps_params={"ensure_ascii": False},
    )
