"""What a user asks for, validated and parsed into a form every engine can run safely.

The text is never handed to an engine's own query syntax: operators typed by users (`:`, `(`,
unbalanced quotes, AND) are read as plain words, so no input can cause a syntax error.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import schema
from .analysis import stems, tokens
from .spelling import allowed_edits
from .variants import american

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


def content_words(words: tuple[str, ...]) -> int:
    """How many words count in a phrase: its folded words that are not function words."""
    folded = [token for word in words for token in tokens(word)]
    return max(1, sum(token not in schema.FUNCTION_WORDS for token in folded))


@dataclass(frozen=True)
class Clause:
    """Something the text must match: any one of its alternatives (a word and its synonyms)."""

    alternatives: tuple[Alternative, ...]
    source: str = ""
    # A function word typed among other words (schema.FUNCTION_WORDS): an item need not hold it,
    # and it never matches on its own; proximity (the typed words close together) still reads it.
    optional: bool = False
    # The word joined with the word typed next to it (`hand rub` -> `handrub`), folded: an item
    # holding the joined form matches this clause (and its neighbour's) too.
    compounds: tuple[str, ...] = ()

    def weight(self, position: int) -> float:
        """What the alternative at `position` weighs: the words typed 1, a synonym SYNONYM_WEIGHT,
        and a synonym of more words than were typed proportionally less, since a phrase scores
        the sum of its words (`jumelage hospitalier` must not outrank `twinning` typed)."""
        if position == 0:
            return 1.0
        typed, synonym = (content_words(self.alternatives[i].words) for i in (0, position))
        return schema.SYNONYM_WEIGHT * min(1.0, typed / synonym)


@dataclass(frozen=True)
class ParsedText:
    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def words(self) -> list[str]:
        return [clause.source for clause in self.clauses]

    @property
    def required(self) -> int:
        """How many clauses an item must hold for "every word" (the function words aside)."""
        return sum(not clause.optional for clause in self.clauses)


def clean_text(text: str) -> str:
    """NFC-normalised, without control, format (zero-width, bidi) or surrogate characters, bounded."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if unicodedata.category(ch)[0] not in "C" else " " for ch in text)
    return " ".join(text.split())[:MAX_TEXT_LENGTH]


def words_of(text: str) -> list[str]:
    return [match.group(0).lower() for match in WORD.finditer(text)]


Synonyms = dict[tuple[str, ...], list[tuple[str, ...]]]
Form = tuple[str, ...]


@functools.lru_cache(maxsize=20_000)  # the keys' forms are rebuilt with every synonym map, typed words recur
def forms(words: tuple[str, ...]) -> frozenset[Form]:
    """What a run of words is recognised by when synonyms are looked up: its words folded, without
    function words (unless that is all there is), with American spelling, stemmed by each content
    language; and the same for the words written joined (`stock-outs`, `stock outs` and
    `stockouts` are one form, `ruptures de stock` is `rupture de stock`'s)."""
    folded = [token for word in words for token in tokens(word)]
    content = [token for token in folded if token not in schema.FUNCTION_WORDS] or folded
    if not content:
        return frozenset()
    spelled, joined = american(" ".join(content)).split(), american("".join(content))
    found = set()
    for language in schema.LANGUAGES:
        found.add((language, *stems(spelled, language)))
        if len(content) > 1:
            found.add((language, *stems([joined], language)))
    return frozenset(found)


class SynonymLookup:
    """The synonym keys by their forms (built once per synonym map, see `lookup_for`)."""

    def __init__(self, synonyms: Synonyms):
        self.synonyms = synonyms
        self.by_form: dict[Form, list[tuple[str, ...]]] = {}
        for key in synonyms:
            for form in forms(key):
                self.by_form.setdefault(form, []).append(key)
        self.words = {token for key in synonyms for word in key for token in tokens(word)}
        self._listed = sorted(self.words)

    def near(self, word: str) -> bool:
        """Whether the (folded) word, not itself a word of the vocabulary, lies within the edits
        a typo is allowed of one: only then can its correction bring it synonyms."""
        edits = allowed_edits(word)
        if not edits or word in self.words:
            return False
        return process.extractOne(word, self._listed, scorer=OSA.distance, score_cutoff=edits) is not None

    def keys(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The synonym keys these words are a form of; the exact key first."""
        found = [words] if words in self.synonyms else []
        if not self.by_form:
            return found
        for form in sorted(forms(words)):
            found += self.by_form.get(form, [])
        return list(dict.fromkeys(found))

    def alternatives(self, words: tuple[str, ...], keys: list[tuple[str, ...]]) -> tuple[Alternative, ...]:
        """The words as typed, then the keys they are a form of, then those keys' synonyms."""
        found = [words, *keys]
        for key in keys:
            found += self.synonyms.get(key, [])
        return tuple(Alternative(alternative) for alternative in dict.fromkeys(found))


def lookup_for(synonyms: Synonyms) -> SynonymLookup:
    # The synonym map is rebuilt when editors change it (search/synonyms.py): its lookup lives on it.
    lookup = getattr(synonyms, "lookup", None)
    return lookup if lookup is not None else SynonymLookup(synonyms)


def _is_function_word(word: str) -> bool:
    folded = tokens(word)
    return len(folded) == 1 and folded[0] in schema.FUNCTION_WORDS


def _corrected(words: tuple[str, ...], corrections: dict[str, str]) -> tuple[str, ...]:
    return tuple(corrections.get("".join(tokens(word)), word) for word in words)


def parse_text(text: str, synonyms: Synonyms | None = None, corrections: dict[str, str] | None = None) -> ParsedText:
    """Split into quoted phrases and words; expand synonyms. Never fails, whatever the input.

    A run of typed words (or a quoted phrase) that is a form of a synonym key (`forms`) gets the
    key's synonyms; `corrections` (folded word -> the indexed word it most likely meant, from
    the engine's spelling) let a misspelt word find its synonyms too (`haemorrage`)."""
    lookup = lookup_for(synonyms or {})
    corrections = corrections or {}

    def keys(words: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = lookup.keys(words)
        corrected = _corrected(words, corrections)
        if not found and corrected != words:
            found = lookup.keys(corrected)
        return found

    text = clean_text(text)
    clauses: list[Clause] = []
    plain: list[bool] = []  # whether each clause is one typed word (no phrase, no synonym run)
    # Balanced quotes make phrases; an unbalanced quote is just ignored.
    parts = text.split('"')
    for index, part in enumerate(parts):
        in_quotes = index % 2 == 1 and index < len(parts) - 1
        if in_quotes:
            phrase = tuple(words_of(part))
            if phrase:
                alternatives = lookup.alternatives(phrase, keys(phrase))
                clauses.append(Clause(alternatives, source=" ".join(phrase)))
                plain.append(False)
            continue
        tokens_typed = [t for t in WORD.findall(part) if t not in BOOLEAN_WORDS]
        words = [t.lower() for t in tokens_typed]
        position, first_of_part = 0, len(clauses)
        while position < len(words):
            # The longest run of words starting here that is a synonym key's form ("infection
            # prevention", "ruptures de stock"); a run never starts or ends with a function word.
            found: list[tuple[str, ...]] = []
            for length in range(min(MAX_SYNONYM_WORDS, len(words) - position), 0, -1):
                run = tuple(words[position : position + length])
                if length > 1 and (_is_function_word(run[0]) or _is_function_word(run[-1])):
                    continue
                found = keys(run)
                if found or length == 1:
                    break
            clauses.append(Clause(lookup.alternatives(run, found), source=" ".join(run)))
            plain.append(length == 1 and not found)
            position += length
        _join_neighbours(clauses, plain, first_of_part)
    clauses = _mark_function_words(clauses)
    # Duplicates add nothing; very long queries are cut to the first clauses.
    unique = list(dict.fromkeys(clauses))
    return ParsedText(tuple(unique[:MAX_CLAUSES]))


def _join_neighbours(clauses: list[Clause], plain: list[bool], start: int) -> None:
    """Two words typed side by side also match where an item writes them as one (`hand rub` finds
    `handrub`, `roll out` finds `rollout`): each gets the joined form as a compound."""
    for index in range(start, len(clauses) - 1):
        left, right = clauses[index], clauses[index + 1]
        if not (plain[index] and plain[index + 1]) or _is_function_word(left.source) or _is_function_word(right.source):
            continue
        joined = "".join(tokens(left.source) + tokens(right.source))
        if joined.isdigit():
            continue
        clauses[index] = replace(left, compounds=(*left.compounds, joined))
        clauses[index + 1] = replace(right, compounds=(*right.compounds, joined))


def _mark_function_words(clauses: list[Clause]) -> list[Clause]:
    """A function word with no synonym is optional, unless the text is nothing but function words."""
    optional = [len(clause.alternatives) == 1 and _is_function_word(clause.source) for clause in clauses]
    if all(optional):
        return clauses
    return [replace(clause, optional=True) if flag else clause for clause, flag in zip(clauses, optional, strict=True)]
