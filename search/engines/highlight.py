"""Passages of an item that show why it matched, matched words wrapped in <mark>."""

import bisect
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper

from ..analysis import TOKEN, fold, stems
from ..schema import DEFAULT_LANGUAGE, LANGUAGES
from ..variants import american_word

# A sentence ends at . ! ? followed by a space or the end: "1.5 million" and "hiv.org" stay whole.
# (Runs of other characters are taken whole: one by one, splitting a long text cost four times as much.)
SENTENCE = re.compile(r"(?:[^.!?\n]+|[.!?](?=[^\s.!?]))+[.!?]*")
MAX_PASSAGES = 2
PASSAGE_LENGTH = 220
# Passages come from the first characters of a long text when they match there: the whole of a
# 3,000-word item costs ten times as much to scan, for each of a page's hits.
WINDOW = 6000
# Distinct tokens (as written) whose analysis each language keeps: a few MiB at most.
TOKEN_CACHE = 100_000


@dataclass(frozen=True)
class Marks:
    """What a search matched, folded: single words (and their stems, in every language), and
    phrases, whose words are marked only where they stand together: the `and` of a synonym such
    as `infection prevention and control` is never marked on its own."""

    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    # Phrases matched stemmed, by language (`fr`, (`ruptur`, `de`, `stock`)): marked in an item of
    # that language where its words stem to them (`ruptures de stock`).
    stemmed_phrases: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.stemmed_phrases)


class WrittenForms:
    """The tokens met in items' text, as written, by what the index reads them as (folded, and
    stemmed in one language after American spelling, as the stemmed fields are indexed). Words
    repeat from item to item and search to search: each is analysed once per process, and the
    tokens of a text that match a search are found by set intersections, not token by token."""

    def __init__(self, language: str, limit: int = TOKEN_CACHE):
        self.language, self.limit = language, limit
        self.known: set[str] = set()
        self.by_word: dict[str, set[str]] = defaultdict(set)
        self.by_stem: dict[str, set[str]] = defaultdict(set)
        self.lock = threading.Lock()  # web processes search from several threads

    def _learn(self, tokens: set[str]) -> None:
        new = tokens - self.known
        if not new:
            return
        if len(self.known) + len(new) > self.limit:  # a memory bound, not an eviction policy
            self.known.clear(), self.by_word.clear(), self.by_stem.clear()
        words = [fold(token) for token in new]
        # Each folded token is one word: rewritten without splitting it again (`american`).
        american = [american_word(word) for word in words]
        for token, word, stem in zip(new, words, stems(american, self.language), strict=True):
            self.by_word[word].add(token)
            self.by_stem[stem].add(token)
        self.known |= new

    def matching(self, tokens: set[str], words: set[str], word_stems: set[str]) -> dict[str, str]:
        """Of these tokens, those that fold to one of `words` or stem to one of `word_stems`:
        token -> that word (or stem; the word wins)."""
        found = {}
        with self.lock:
            self._learn(tokens)
            for stem in word_stems:
                if stem in self.by_stem:
                    found.update(dict.fromkeys(tokens & self.by_stem[stem], stem))
            for word in words:
                if word in self.by_word:
                    found.update(dict.fromkeys(tokens & self.by_word[word], word))
        return found


_FORMS = {language: WrittenForms(language) for language in LANGUAGES}


def _tokens_as_written(distinct: set[str], wanted: set[str], language: str, word_stems: set[str]) -> dict[str, str]:
    """Of the text's distinct tokens, as written, those that fold (or stem) to a wanted word:
    token -> the word."""
    return _FORMS.get(language, _FORMS[DEFAULT_LANGUAGE]).matching(distinct, wanted, word_stems)


def _alternation(tokens) -> str:
    return "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))


def _pattern(text: str, language: str, marks: Marks, distinct: set[str] | None = None) -> re.Pattern | None:
    """One pattern for everything to mark in this text (whose distinct tokens are `distinct`, when
    already read): matched words, whole tokens only, and each phrase's words in order with only
    spaces or punctuation between them."""
    parts = []
    distinct = set(TOKEN.findall(text)) if distinct is None else distinct
    words = _tokens_as_written(distinct, marks.words, language, marks.stems)
    if words:
        parts.append(rf"(?:{_alternation(words)})")
    stemmed = {phrase for in_language, phrase in marks.stemmed_phrases if in_language == language}
    phrase_words = {word for phrase in marks.phrases for word in phrase}
    phrase_stems = {stem for phrase in stemmed for stem in phrase}
    if phrase_words or phrase_stems:
        # A phrase's words as written; a phrase matched stemmed, its words' stems in the item's language.
        written = _tokens_as_written(distinct, phrase_words, language, phrase_stems)
        for phrase in sorted(marks.phrases | stemmed, key=len, reverse=True):
            forms = [[token for token, word in written.items() if word == part] for part in phrase]
            if all(forms):
                parts.append(r"[\W_]+".join(f"(?:{_alternation(tokens)})" for tokens in forms))
    if not parts:
        return None
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(parts)})(?![^\W_])")


def matches(text: str, language: str, marks: Marks) -> bool:
    """Whether the text holds something the search matched (a word, a stem, a whole phrase)."""
    pattern = _pattern(text, language, marks)
    return pattern is not None and pattern.search(text) is not None


def _mark(passage: str, pattern: re.Pattern) -> str:
    out, position = [], 0
    for match in pattern.finditer(passage):
        out.append(escape(passage[position : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    out.append(escape(passage[position:]))
    return "".join(out)


def _window(sentence: str, first_match: int) -> str:
    if len(sentence) <= PASSAGE_LENGTH:
        return sentence.strip()
    start = max(0, first_match - PASSAGE_LENGTH // 3)
    start = sentence.rfind(" ", 0, start) + 1 if start else 0
    end = sentence.find(" ", start + PASSAGE_LENGTH)
    end = len(sentence) if end == -1 else end
    return ("… " if start else "") + sentence[start:end].strip() + (" …" if end < len(sentence) else "")


def highlight(text: str, language: str, marks: Marks) -> list[str]:
    """Up to two passages with the most matched words, in reading order, safe to render as HTML."""
    if len(text) > WINDOW:
        cut = text.rfind(" ", 0, WINDOW) + 1
        if cut:  # the window ends at a space: no token runs across its end
            start = set(TOKEN.findall(text, 0, cut))
            passages = _passages(text[:cut], language, marks, start)
            if passages:
                return passages
            # Most texts that reach here hold nothing to mark: the rest's tokens are read once.
            return _passages(text, language, marks, start | set(TOKEN.findall(text, cut)))
    return _passages(text, language, marks)


def _passages(text: str, language: str, marks: Marks, distinct: set[str] | None = None) -> list[str]:
    pattern = _pattern(text, language, marks, distinct)
    if pattern is None:
        return []
    # The matches over the whole text at once, then the sentences that hold them: most sentences
    # of a long item hold none.
    matches = [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
    if not matches:
        return []
    sentences = [(m.start(), m.end()) for m in SENTENCE.finditer(text)]
    starts = [start for start, _end in sentences]
    in_sentence: dict[int, list[tuple[int, str]]] = {}
    for start, end, written in matches:
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and end <= sentences[index][1]:  # a phrase never runs on into the next sentence
            in_sentence.setdefault(index, []).append((start - sentences[index][0], written))
    scored = [
        (len({fold(written) for _offset, written in hits}), -index, index, hits[0][0])
        for index, hits in in_sentence.items()
    ]
    best = sorted(sorted(scored, reverse=True)[:MAX_PASSAGES], key=lambda s: s[2])
    return [_mark(_window(text[slice(*sentences[index])], first), pattern) for *_, index, first in best]
