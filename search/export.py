"""/search/export/<format>/: every result of a search (not just one page) as CSV, JSON, BibTeX, RIS,
CSL-JSON, or a Vancouver or APA reference list.

Takes the parameters of /search/, runs the same search, walks its result pages and streams the
items as it goes, up to EXPORT_MAX items. Items are read back from the database as live and
public, so a stale index entry can never leak a draft or private item into an export.
"""

import csv
import json
import logging
import unicodedata
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from knowledge import citations
from knowledge.models import KnowledgeItemPage

from .engines import EngineUnavailable
from .forms import SearchForm
from .service import all_results

logger = logging.getLogger(__name__)

# The most items one export holds; past it the response says X-Export-Truncated: true.
EXPORT_MAX = 1000
# Results asked of the engine per round trip while walking the result pages.
EXPORT_PAGE_SIZE = 100

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "bibtex": (citations.DOWNLOADS["bibtex"][0], "bib"),
    "ris": (citations.DOWNLOADS["ris"][0], "ris"),
    "csl-json": (citations.DOWNLOADS["csl-json"][0], "json"),
    # Reference lists ready to paste, one numbered reference per item.
    "vancouver": ("text/plain; charset=utf-8", "txt"),
    "apa": ("text/plain; charset=utf-8", "txt"),
}
CSV_COLUMNS = (
    "title",
    "type",
    "url",
    "publication date",
    "language",
    "partnership",
    "focus areas",
    "countries",
    "summary",
)
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Some spreadsheets skip invisible characters before a formula or read fullwidth "＝" as "=":
# look past the first and fold the second before deciding.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _text_response(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _items(pages_of_ids: Iterator[list[int]]) -> Iterator[list[KnowledgeItemPage]]:
    for ids in pages_of_ids:
        pages = {
            page.pk: page for page in citations.citable(KnowledgeItemPage.objects.live().public().filter(pk__in=ids))
        }
        yield [pages[pk] for pk in ids if pk in pages]


def _row(page: KnowledgeItemPage, source: citations.CitationSource) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "type": str(page.specific_class._meta.verbose_name).capitalize(),
        "url": source.permalink(page.pk),
        "publication_date": page.publication_date.isoformat(),
        "language": page.language,
        "partnership": page.partnership.title if page.partnership else "",
        "focus_areas": [area.name for area in page.focus_areas.all()],
        "countries": [country.localized_name for country in page.countries.all()],
        "summary": page.summary,
    }


def _looks_like_a_formula(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return True
    visible = next((char for char in text if unicodedata.category(char) not in _INVISIBLE_CATEGORIES), "")
    return unicodedata.normalize("NFKC", visible).startswith(FORMULA_STARTS)


def _cell(value) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if _looks_like_a_formula(text) else text


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv(batches, source) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheets read the file as UTF-8
    yield writer.writerow(CSV_COLUMNS)
    for batch in batches:
        for page in batch:
            row = _row(page, source)
            yield writer.writerow([_cell(row[column.replace(" ", "_")]) for column in CSV_COLUMNS])


def _json(batches, source, total: int) -> Iterator[str]:
    head = {"total": total, "max": EXPORT_MAX, "truncated": total > EXPORT_MAX}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    separator = ""
    for batch in batches:
        for page in batch:
            yield separator + json.dumps(_row(page, source), ensure_ascii=False)
            separator = ", "
    yield "]}\n"


def _csl_json(batches, source) -> Iterator[str]:
    yield "["
    separator = ""
    for batch in batches:
        for item in citations.csl_items(batch, source):
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
    yield "]\n"


def _reference_list(batches, source, style: str) -> Iterator[str]:
    number = 0
    for batch in batches:
        for item in citations.csl_items(batch, source):
            number += 1
            yield f"{number}. {citations.render_text(item, style)}\n"


def _citations(batches, source, write) -> Iterator[str]:
    for batch in batches:
        if batch:
            yield write(citations.csl_items(batch, source)) + "\n"


def _stream(format: str, batches, source, total: int, language: str) -> Iterator[str]:
    # The body is produced after the view has returned: keep the reader's language for labels.
    with translation.override(language):
        if format == "csv":
            yield from _csv(batches, source)
        elif format == "json":
            yield from _json(batches, source, total)
        elif format == "csl-json":
            yield from _csl_json(batches, source)
        elif format in citations.TEXT_STYLES:
            yield from _reference_list(batches, source, format)
        else:
            yield from _citations(batches, source, citations.to_bibtex if format == "bibtex" else citations.to_ris)


@require_GET
def export_results(request: HttpRequest, format: str) -> HttpResponse:
    if format not in FORMATS:
        raise Http404("Unknown export format")
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _text_response(_("This export could not be made: %(error)s") % {"error": form.error_text()}, 400)
    # The page's search, from the first result, whatever page of it was being looked at.
    try:
        results = all_results(form.to_query(), EXPORT_MAX, page_size=EXPORT_PAGE_SIZE)
    except EngineUnavailable as error:
        logger.error("Search engine unavailable: %s", error)
        return _text_response(
            _("Search is unavailable for a moment. Every other page works; please try again in a few minutes."), 503
        )
    total = results.total
    source = citations.CitationSource.for_request(request)
    batches = _items(results.ids)
    content_type, extension = FORMATS[format]
    response = StreamingHttpResponse(
        _stream(format, batches, source, total, translation.get_language()), content_type=content_type
    )
    response["Content-Disposition"] = content_disposition_header(True, f"esther-search-results.{extension}")
    response["X-Export-Total"] = str(total)
    response["X-Export-Truncated"] = "true" if total > EXPORT_MAX else "false"
    return response
