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
# Distinct chunks of text between spaces (as written) whose tokens each language keeps analysed:
# at most about 60 MiB a language, where every chunk is a new word (a real library's words repeat).
CHUNK_CACHE = 100_000


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
    # The search's patterns, by language and `WrittenForms.version`: its hits share them.
    patterns: dict = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.stemmed_phrases)


class WrittenForms:
    """The tokens met in items' text, as written, by what the index reads them as (folded, and
    stemmed in one language after American spelling, as the stemmed fields are indexed). A text
    is read through its distinct chunks between spaces: words repeat from item to item and
    search to search, so most chunks are known, and only new ones are cut into tokens and
    analysed, once per process. A search's pattern then holds every known token that matches
    it: one a text does not hold cannot match there, as matches are whole tokens."""

    def __init__(self, language: str, limit: int = CHUNK_CACHE):
        self.language, self.limit = language, limit
        self.chunks: set[str] = set()
        self.known: set[str] = set()
        # Lists, not sets: a token is learned once, and most words have one or two written forms.
        self.by_word: dict[str, list[str]] = defaultdict(list)
        self.by_stem: dict[str, list[str]] = defaultdict(list)
        self.version = 0  # changes whenever tokens are learned: patterns built before may lack them
        self.lock = threading.Lock()  # web processes search from several threads

    def _learn(self, text: str) -> None:
        chunks = text.split()
        # Most texts hold no new chunk: checking each costs half of building a set to subtract.
        if self.chunks.issuperset(chunks):
            return
        new = set(chunks) - self.chunks
        if len(self.chunks) + len(new) > self.limit:  # a memory bound, not an eviction policy
            self.chunks.clear(), self.known.clear(), self.by_word.clear(), self.by_stem.clear()
        # No token holds a space: the new chunks, joined, hold exactly their tokens.
        tokens = set(TOKEN.findall(" ".join(new))) - self.known
        self.chunks |= new
        if not tokens:
            return
        words = [fold(token) for token in tokens]
        # Each folded token is one word: rewritten without splitting it again (`american`).
        american = [american_word(word) for word in words]
        for token, word, stem in zip(tokens, words, stems(american, self.language), strict=True):
            self.by_word[word].append(token)
            self.by_stem[stem].append(token)
        self.known |= tokens
        self.version += 1

    def _matching(self, words: set[str], word_stems: set[str]) -> dict[str, str]:
        """Every known token that folds to one of `words` or stems to one of `word_stems`: token
        -> that word (or stem; the word wins)."""
        found = {}
        for stem in word_stems:
            found.update(dict.fromkeys(self.by_stem.get(stem, ()), stem))
        for word in words:
            found.update(dict.fromkeys(self.by_word.get(word, ()), word))
        return found

    def pattern(self, text: str, marks: Marks) -> re.Pattern | None:
        """What to mark, for a text of this language (its tokens learned first)."""
        with self.lock:
            self._learn(text)
            key = (self.language, self.version)
            if key not in marks.patterns:
                words = self._matching(marks.words, marks.stems)
                stemmed = {phrase for in_language, phrase in marks.stemmed_phrases if in_language == self.language}
                phrase_words = {word for phrase in marks.phrases for word in phrase}
                phrase_stems = {stem for phrase in stemmed for stem in phrase}
                written = self._matching(phrase_words, phrase_stems) if phrase_words or phrase_stems else {}
                marks.patterns[key] = _compiled(words, written, sorted(marks.phrases | stemmed, key=len, reverse=True))
            return marks.patterns[key]


_FORMS = {language: WrittenForms(language) for language in LANGUAGES}


def _longest_first(tokens) -> list[str]:
    return [re.escape(token) for token in sorted(tokens, key=len, reverse=True)]


def _compiled(words: dict[str, str], written: dict[str, str], phrases: list[tuple[str, ...]]) -> re.Pattern | None:
    """One pattern for everything to mark: matched words, then each phrase's words in order with
    only spaces or punctuation between them; whole tokens only. Each alternative starts with a
    token's first character, so the regular expression engine skips to the places where one may
    start instead of trying every character: whether a match starts inside a token is checked
    after (`_found`), not looked behind for at every character."""
    alternatives = _longest_first(words)
    for phrase in phrases:
        forms = [[token for token, word in written.items() if word == part] for part in phrase]
        if all(forms):
            rest = "".join(rf"[\W_]+(?:{'|'.join(_longest_first(tokens))})" for tokens in forms[1:])
            alternatives += [f"{first}{rest}" for first in _longest_first(forms[0])]
    if not alternatives:
        return None
    return re.compile(rf"(?:{'|'.join(alternatives)})(?![^\W_])")


def _pattern(text: str, language: str, marks: Marks) -> re.Pattern | None:
    return _FORMS.get(language, _FORMS[DEFAULT_LANGUAGE]).pattern(text, marks)


def _found(pattern: re.Pattern, text: str, first_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, text) of each match that starts a token."""
    found, position = [], 0
    while (match := pattern.search(text, position)) is not None:
        start = match.start()
        if start and text[start - 1].isalnum():  # `[^\W_]`: inside a token, look on from the next character
            position = start + 1
            continue
        found.append((start, match.end(), match.group(0)))
        if first_only:
            break
        position = match.end()
    return found


def matches(text: str, language: str, marks: Marks) -> bool:
    """Whether the text holds something the search matched (a word, a stem, a whole phrase)."""
    pattern = _pattern(text, language, marks)
    return pattern is not None and bool(_found(pattern, text, first_only=True))


def _mark(passage: str, pattern: re.Pattern) -> str:
    out, position = [], 0
    for start, end, written in _found(pattern, passage):
        out.append(escape(passage[position:start]))
        out.append(f"<mark>{escape(written)}</mark>")
        position = end
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
            passages = _passages(text[:cut], _pattern(text[:cut], language, marks))
            if passages:
                return passages
            # Most texts that reach here hold nothing to mark: the rest's chunks are read once.
            return _passages(text, _pattern(text[cut:], language, marks))
    return _passages(text, _pattern(text, language, marks))


def _passages(text: str, pattern: re.Pattern | None) -> list[str]:
    if pattern is None:
        return []
    # The matches over the whole text at once, then the sentences that hold them, up to the last
    # match: most sentences of a long item hold none.
    matches = _found(pattern, text)
    if not matches:
        return []
    sentences = []
    for sentence in SENTENCE.finditer(text):
        if sentence.start() > matches[-1][0]:
            break
        sentences.append(sentence.span())
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
