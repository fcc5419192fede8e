"""The search every public surface shares: the page, the JSON API, feeds, exports, the library.

It parses the text, applies the rules that are the same whatever the engine ("most of the words,
those with all first", "did you mean"), asks the engine, and dresses the engine's facet values with
labels in the reader's language and their selected state.
"""

import dataclasses
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from knowledge.content_version import cached_until_content_changes
from knowledge.models import Country, FocusArea, Language, PartnershipPage
from knowledge.models.taxonomy import region_name
from knowledge.selectors import ITEM_TYPES

from .engines import EngineResults, EngineUnavailable, Hit, SearchEngine, Suggestion, get_engine
from .query import ParsedText, SearchQuery, lookup_for, parse_text
from .schema import FACETS
from .spelling import MIN_TYPO_LENGTH, corrected_text, words_to_check
from .synonyms import synonym_map

logger = logging.getLogger(__name__)

# "Did you mean" only for a search that found fewer items than this.
SUGGEST_BELOW = 10
MATCHED_IN_LABELS = {"title": _("title"), "tags": _("tags"), "partnership_title": _("partnership name")}
# "Case studies", "Lessons learned", "Testimonials": the models' own names.
TYPE_LABELS = {slug: capfirst(model._meta.verbose_name_plural) for slug, model in ITEM_TYPES.items()}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


@dataclass
class LabelledHit:
    """A hit with its focus areas and countries as (value, label) pairs in the reader's language."""

    hit: Hit
    focus_areas: list[tuple[str, str]]
    countries: list[tuple[str, str]]

    @property
    def type_label(self) -> str:
        """The model's own name: "Case study", "Lesson learned", "Testimonial"."""
        model = ITEM_TYPES.get(self.hit.type)
        return capfirst(model._meta.verbose_name) if model else self.hit.type

    @property
    def matched_in(self) -> str:
        """Where the search matched when no passage shows it: "title, tags"."""
        return ", ".join(str(MATCHED_IN_LABELS.get(name, name)) for name in self.hit.matched_in)


@dataclass
class SearchPage:
    query: SearchQuery
    results: EngineResults
    facets: list[Facet]
    # Labels of the facet values stored in the database, by facet (read once per search).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.results.total // self.query.page_size))

    @property
    def past_the_end(self) -> bool:
        """Asked for a page after the last (the first page always exists, even when empty)."""
        return self.query.page > self.pages

    @cached_property
    def hits(self) -> list[LabelledHit]:
        hits = self.results.hits
        areas = _labels("focus_area", sorted({slug for hit in hits for slug in hit.focus_areas}), self.labels)
        countries = _labels("country", sorted({code for hit in hits for code in hit.countries}), self.labels)
        return [
            LabelledHit(
                hit,
                [(slug, areas.get(slug, slug)) for slug in hit.focus_areas],
                [(code, countries.get(code, code)) for code in hit.countries],
            )
            for hit in hits
        ]


def _region_names() -> dict[str, str]:
    return dict(Country.objects.exclude(region_slug="").values_list("region_slug", "region").distinct())


def _labels_from_database(facet: str) -> dict[str, str]:
    if facet == "focus_area":
        return {area.slug: area.localized_name for area in FocusArea.objects.all()}
    if facet == "country":
        return {c.code: c.localized_name for c in Country.objects.only("code", "name", "name_fr", "name_pt", "name_es")}
    if facet == "region":
        return {value: region_name(value, name) for value, name in _region_names().items()}
    if facet == "partnership":
        # A partnership's translations share its slug: the title in the reader's language wins,
        # then the default language's.
        rows = PartnershipPage.objects.order_by().values_list("slug", "title", "locale__language_code")
        rank = {settings.LANGUAGE_CODE: 1, (get_language() or settings.LANGUAGE_CODE).split("-")[0]: 2}
        return {slug: title for slug, title, code in sorted(rows, key=lambda row: rank.get(row[2], 0))}
    return {}


def _all_labels() -> dict[str, dict[str, str]]:
    """The labels of the facets' values kept in the database, in the reader's language, read
    once until an editor publishes or edits something (four queries saved on every search)."""
    return cached_until_content_changes(
        f"search-facet-labels-{get_language()}",
        lambda: {facet: _labels_from_database(facet) for facet in ("focus_area", "country", "region", "partnership")},
    )


def _labels(facet: str, values: list[str], stored: dict[str, dict[str, str]]) -> dict[str, str]:
    if facet == "type":
        return {value: str(TYPE_LABELS.get(value, value)) for value in values}
    if facet == "language":
        return {value: str(Language(value).label) if value in Language.values else value for value in values}
    known = stored.get(facet, {})
    return {value: known.get(value, value) for value in values}


def _facets(query: SearchQuery, results: EngineResults, stored: dict[str, dict[str, str]]) -> list[Facet]:
    facets = []
    for declared in FACETS:
        if not declared.offered:
            continue
        name = declared.name
        chosen = [str(value) for value in query.chosen(name)]
        if name == "year" and query.year_from and query.year_from == query.year_to:
            chosen = [str(query.year_from)]  # a single year picked from the facet is a one-year range
        counts = {item.value: item.count for item in results.facets.get(name, [])}
        shown = list(counts)
        if name == "year":
            shown.sort(reverse=True)
        shown = shown[: declared.shown]
        shown += [value for value in chosen if value not in shown]  # a chosen value stays visible at 0
        labels = _labels(name, shown, stored)
        options = [FacetOption(v, labels.get(v, v), counts.get(v, 0), v in chosen) for v in shown]
        facets.append(Facet(name, str(declared.label), options))
    return facets


def parse(query: SearchQuery, spelled: dict[str, list[str]] | None = None) -> ParsedText:
    """The query's text parsed with the editors' synonyms; `spelled` (the engine's corrections of
    words its index does not hold) lets a misspelt word find its synonyms as well."""
    corrections = {word: options[0] for word, options in (spelled or {}).items()}
    return parse_text(query.text, synonym_map(), corrections)


def spelling(engine: SearchEngine, text: str) -> dict[str, list[str]]:
    """The engine's corrections for the text's words that its index does not hold (only words of
    MIN_TYPO_LENGTH letters or more can have one), for synonyms and for "did you mean"."""
    words = [word for word in words_to_check(text) if len(word) >= MIN_TYPO_LENGTH]
    return engine.spelling(words) if words else {}


def spelling_for_synonyms(engine: SearchEngine, text: str) -> dict[str, list[str]] | None:
    """The spelling, asked before the search only when a word lies a typo away from a word of the
    vocabulary (so its correction may bring synonyms: `haemorage`); else None, and "did you mean"
    asks later if it needs to (one request fewer for most searches on Elasticsearch)."""
    lookup = lookup_for(synonym_map())
    if any(lookup.near(word) for word in words_to_check(text)):
        return spelling(engine, text)
    return None


def most_words(clauses: int) -> int:
    """How many of a text's words (or phrases) an item must match: every one of one or two, three
    quarters of more, rounded down (Elasticsearch's `minimum_should_match: 75%`), so "Ebola
    recovery hospitals" finds the items with two of the three words too, after those with all."""
    return clauses if clauses <= 2 else max(2, clauses * 3 // 4)


def current_reader() -> str:
    """The interface language of the request being answered (the default one for unprefixed
    addresses: the APIs and feeds, which take a `reader` parameter instead)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def for_reader(query: SearchQuery) -> SearchQuery:
    """The query showing each item once: its version in the reader's interface language where
    there is one, else the original (the documents' `readers` field says which version that is)."""
    if query.readers:
        return query
    return replace(query, readers=(current_reader(),))


def suggest(text: str, limit: int, reader: str | None = None) -> list[Suggestion]:
    """Titles completing `text`, each item once: in `reader`'s language where it has a version
    in it, else the original (the current interface language's when no reader is given).
    Raises EngineUnavailable when the engine cannot answer."""
    return get_engine().autocomplete(text, limit, readers=(reader or current_reader(),))


def find(query: SearchQuery, parsed: ParsedText | None = None, *, suggest: bool = True) -> EngineResults:
    """The engine's results under the rules every engine shares: items matching most of the words
    (`most_words`), those matching all of them first; when none does, items matching any word,
    saying so (`relaxed`). Raises EngineUnavailable when the engine cannot answer."""
    engine = get_engine()
    spelled = None
    if parsed is None:
        spelled = spelling_for_synonyms(engine, query.text)
        parsed = parse(query, spelled)
    query = for_reader(query)
    results = engine.search(query, parsed, minimum=most_words(parsed.required))
    if results.total == 0 and parsed.required > 1:
        results = engine.search(query, parsed, minimum=1)
        results.relaxed = True
    if suggest and parsed:
        results.suggestion = did_you_mean(engine, query, 0 if results.relaxed else results.total, spelled)
    return results


def did_you_mean(
    engine: SearchEngine, query: SearchQuery, found: int, spelled: dict[str, list[str]] | None = None
) -> str | None:
    """The text with each word the index does not hold replaced by the closest word it does,
    offered only when it differs from what was typed, when the text itself found less than a page
    (`found`: no "did you mean" over a page of good results), and when the correction finds at
    least as much under the same filters."""
    if found >= SUGGEST_BELOW:
        return None
    corrections = spelling(engine, query.text) if spelled is None else spelled
    corrected = corrected_text(query.text, corrections)
    if corrected is None:
        return None
    return corrected if engine.count(query, parse_text(corrected, synonym_map())) >= max(found, 1) else None


def run_search(query: SearchQuery) -> SearchPage:
    """Raises EngineUnavailable when the engine cannot answer."""
    results = find(query)
    labels = _all_labels()
    return SearchPage(query=query, results=results, facets=_facets(query, results, labels), labels=labels)


@dataclass
class AllResults:
    """Every result of a search, up to a limit, read a page at a time (exports)."""

    total: int
    ids: Iterator[list[int]]  # the ids of each page of results, in the search's order


def all_results(query: SearchQuery, limit: int, page_size: int = 100) -> AllResults:
    """The first page is asked for at once, so that an engine that is down raises
    EngineUnavailable here; later pages are asked for as `ids` is read, under the same rules as
    the first (the same `most_words`, relaxed when it was), and an engine that fails then ends
    the walk where it stands (the caller has already started answering)."""
    query = dataclasses.replace(query, page=1, page_size=page_size)
    parsed = parse(query, spelling_for_synonyms(get_engine(), query.text))
    first = find(query, parsed, suggest=False)
    minimum = 1 if first.relaxed else most_words(parsed.required)

    def pages() -> Iterator[list[int]]:
        total, seen = min(first.total, limit), set()
        page, ids = 1, [hit.id for hit in first.hits]
        while ids:
            fresh = [pk for pk in ids if pk not in seen][: total - len(seen)]
            seen.update(fresh)
            if fresh:
                yield fresh
            if len(seen) >= total or page * page_size >= first.total:
                return
            page += 1
            try:
                results = get_engine().search(dataclasses.replace(query, page=page), parsed, minimum=minimum)
            except EngineUnavailable as error:
                logger.error("Search engine unavailable while reading every result: %s", error)
                return
            ids = [hit.id for hit in results.hits]

    return AllResults(first.total, pages())
