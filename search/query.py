"""What a user asks for, validated and parsed into a form every engine can run safely.

The text is never handed to an engine's own query syntax: operators typed by users (`:`, `(`,
unbalanced quotes, AND) are read as plain words, so no input can cause a syntax error.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from . import schema

# Each facet's SearchQuery attribute and document field (declared in search/schema.py).
FACETS: dict[str, str] = {facet.name: facet.attribute for facet in schema.FACETS}
FACET_FIELDS: dict[str, str] = {facet.name: facet.field for facet in schema.FACETS}
# The facets counted for readers (the others only filter).
COUNTED_FACETS: tuple[str, ...] = tuple(facet.name for facet in schema.FACETS if facet.offered)
SORTS = ("relevance", "newest", "oldest")
MAX_TEXT_LENGTH = 500
MAX_CLAUSES = 12
MAX_SYNONYM_WORDS = 6
BOOLEAN_WORDS = {"AND", "OR", "NOT"}
WORD = re.compile(r"\w+(?:[-/']\w+)*", re.UNICODE)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    types: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    partnerships: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    # The interface language whose version of each item is shown (set by search/service.py).
    readers: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def chosen(self, facet: str) -> tuple:
        return getattr(self, FACETS[facet])


@dataclass(frozen=True)
class Alternative:
    """One way a clause can match: a single word (typo-tolerant when long) or an exact phrase."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Clause:
    """Something the text must match: any one of its alternatives (a word and its synonyms)."""

    alternatives: tuple[Alternative, ...]
    source: str = ""


@dataclass(frozen=True)
class ParsedText:
    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def words(self) -> list[str]:
        return [clause.source for clause in self.clauses]


def clean_text(text: str) -> str:
    """NFC-normalised, without control, format (zero-width, bidi) or surrogate characters, bounded."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if unicodedata.category(ch)[0] not in "C" else " " for ch in text)
    return " ".join(text.split())[:MAX_TEXT_LENGTH]


def words_of(text: str) -> list[str]:
    return [match.group(0).lower() for match in WORD.finditer(text)]


def parse_text(text: str, synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] | None = None) -> ParsedText:
    """Split into quoted phrases and words; expand synonyms. Never fails, whatever the input."""
    synonyms = synonyms or {}
    text = clean_text(text)
    clauses: list[Clause] = []
    # Balanced quotes make phrases; an unbalanced quote is just ignored.
    parts = text.split('"')
    for index, part in enumerate(parts):
        in_quotes = index % 2 == 1 and index < len(parts) - 1
        if in_quotes:
            phrase = tuple(words_of(part))
            if phrase:
                clauses.append(Clause((Alternative(phrase),), source=" ".join(phrase)))
            continue
        tokens = [t for t in WORD.findall(part) if t not in BOOLEAN_WORDS]
        words = [t.lower() for t in tokens]
        position = 0
        while position < len(words):
            # Longest synonym key starting here (multi-word keys such as "infection prevention").
            for length in range(min(MAX_SYNONYM_WORDS, len(words) - position), 0, -1):
                key = tuple(words[position : position + length])
                if length == 1 or key in synonyms:
                    break
            alternatives = [Alternative(key)]
            alternatives += [Alternative(alt) for alt in synonyms.get(key, []) if alt != key]
            clauses.append(Clause(tuple(dict.fromkeys(alternatives)), source=" ".join(key)))
            position += length
    # Duplicates add nothing; very long queries are cut to the first clauses.
    unique = list(dict.fromkeys(clauses))
    return ParsedText(tuple(unique[:MAX_CLAUSES]))
