"""The contract every search engine fulfils. The service layer adds labels and URLs' state."""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..query import ParsedText, SearchQuery


class EngineUnavailable(Exception):
    """The engine cannot answer now (down, unreachable, timed out). Search shows a 503; nothing else fails."""


@dataclass
class Hit:
    id: int
    title: str
    url: str
    type: str
    summary: str
    language: str
    publication_date: datetime.date
    focus_areas: list[str]
    countries: list[str]
    # Passages of the item with the matched words wrapped in <mark>; HTML-escaped otherwise.
    highlights: list[str] = field(default_factory=list)
    # Where else it matched (MATCHED_ELSEWHERE), said when no passage shows why it was found.
    matched_in: list[str] = field(default_factory=list)


# Fields a hit may match in that its passages do not show.
MATCHED_ELSEWHERE = ("title", "tags", "partnership_title")


@dataclass
class FacetCount:
    value: str
    count: int


@dataclass
class EngineResults:
    total: int
    hits: list[Hit]
    # For each facet in query.FACETS, the values present and their counts. A facet's counts
    # apply every active filter except its own (values of one facet combine with OR).
    facets: dict[str, list[FacetCount]]
    # Set by the search service (search/service.py), not by engines: a corrected query when some
    # words look misspelt ("did you mean"), else None; and whether no item matched every word,
    # so items matching some of them are shown.
    suggestion: str | None = None
    relaxed: bool = False


@dataclass
class Suggestion:
    title: str
    url: str
    type: str


class SearchEngine(ABC):
    """Matching, ranking, facets, highlights and suggestions over search documents.

    A search document is the dict `search.documents.build_document()` makes for one live item:
    id, type, title, summary, body, language, url, publication_date, year, focus_areas,
    countries, regions, partnership, partnership_title, tags, version.
    """

    name: str

    @abstractmethod
    def search(self, query: SearchQuery, parsed: ParsedText, minimum: int | None = None) -> EngineResults:
        """The query's page of hits, its total and its facet counts. An item matches at least
        `minimum` clauses of the text (None: every clause; the service decides); ranked by
        relevance, the items matching every clause come first."""

    @abstractmethod
    def count(self, query: SearchQuery, parsed: ParsedText) -> int:
        """How many items match every clause under the query's filters."""

    @abstractmethod
    def spelling(self, words: list[str]) -> dict[str, list[str]]:
        """For each of `words` (folded by `search.analysis.fold`: lower case, no accents) that no
        indexed item holds, the indexed words within `vocabulary.allowed_edits` of it (counted as
        OSA distance), closest and then most frequent first, at most three. Words the index knows
        are left out. "Did you mean" (search/service.py) is built on this."""

    @abstractmethod
    def autocomplete(self, prefix: str, limit: int = 8, readers: tuple[str, ...] = ()) -> list[Suggestion]:
        """Titles completing `prefix`; with `readers`, only the versions shown to readers of those
        interface languages (the documents' `readers` field), so each item is suggested once."""

    @abstractmethod
    def more_like_this(self, item_id: int, limit: int = 4) -> list[int]: ...

    @abstractmethod
    def upsert(self, documents: list[dict]) -> None: ...

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> None: ...

    @abstractmethod
    def indexed_versions(self) -> dict[int, str]:
        """Every indexed id with the version it was indexed at, to compare with the database."""

    def prepare(self, document: dict):
        """What `rebuild` takes for one document. A rebuild calls it in the worker processes that
        build the documents (search/document_workers.py), so the work an engine does per
        document can be spread over the cores; the result must pickle."""
        return document

    def needs_rebuild(self) -> str | None:
        """Why the index must be rebuilt before anything else can be written to it (the code
        declares other fields than the index was built with), or None."""
        return None

    def leftovers(self) -> list[str]:
        """Index storage of this engine that nothing reads any more (`search_index check` lists
        it). None by default: tantivy removes an abandoned generation itself."""
        return []

    @abstractmethod
    def rebuild(self, prepared: Iterable, progress: Callable[[int], None]) -> None:
        """Index everything afresh from `prepare`'s results; readers see the old index until the
        new one is complete."""
