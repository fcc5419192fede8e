"""Passages of an item that show why it matched, matched words wrapped in <mark>."""

import re
from dataclasses import dataclass, field
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper

from ..analysis import TOKEN, fold, stems
from ..variants import CHANGED_STARTS, american

# A sentence ends at . ! ? followed by a space or the end: "1.5 million" and "hiv.org" stay whole.
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")
MAX_PASSAGES = 2
PASSAGE_LENGTH = 220
# Passages come from the first characters of a long text when they match there: the whole of a
# 3,000-word item costs ten times as much to scan, for each of a page's hits.
WINDOW = 6000


@dataclass(frozen=True)
class Marks:
    """What a search matched, folded: single words (and their stems, in every language), and
    phrases, whose words are marked only where they stand together: the `and` of a synonym such
    as `infection prevention and control` is never marked on its own."""

    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def _tokens_as_written(text: str, wanted: set[str], language: str, word_stems: set[str]) -> dict[str, str]:
    """The text's distinct tokens, as written, that fold (or stem) to a wanted word: token -> the
    word. Folding and stemming keep a word's first two letters, so a token starting otherwise (in
    ASCII) is passed over unread."""
    starts = {word[:2] for word in (*wanted, *word_stems)}

    def may_match(token: str) -> bool:
        start = token[:2].lower()
        if start in starts or not start.isascii():
            return True
        return start in CHANGED_STARTS and american(token.lower())[:2] in starts

    distinct = [token for token in set(TOKEN.findall(text)) if may_match(token)]
    folded = [fold(token) for token in distinct]
    stemmed = stems([american(word) for word in folded], language) if word_stems else folded
    found = {}
    for token, word, stem in zip(distinct, folded, stemmed, strict=True):
        if word in wanted:
            found[token] = word
        elif stem in word_stems:
            found[token] = stem
    return found


def _alternation(tokens) -> str:
    return "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))


def _pattern(text: str, language: str, marks: Marks) -> re.Pattern | None:
    """One pattern for everything to mark in this text: matched words, whole tokens only, and
    each phrase's words in order with only spaces or punctuation between them."""
    parts = []
    words = _tokens_as_written(text, marks.words, language, marks.stems)
    if words:
        parts.append(rf"(?:{_alternation(words)})")
    phrase_words = {word for phrase in marks.phrases for word in phrase}
    if phrase_words:
        written = _tokens_as_written(text, phrase_words, language, set())
        for phrase in sorted(marks.phrases, key=len, reverse=True):
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
        start = text[: text.rfind(" ", 0, WINDOW) + 1 or WINDOW]
        passages = _passages(start, language, marks)
        if passages:
            return passages
    return _passages(text, language, marks)


def _passages(text: str, language: str, marks: Marks) -> list[str]:
    pattern = _pattern(text, language, marks)
    if pattern is None:
        return []
    scored = []
    for index, match in enumerate(SENTENCE.finditer(text)):
        sentence = match.group(0)
        hits = list(pattern.finditer(sentence))
        if hits:
            distinct = len({fold(m.group(0)) for m in hits})
            scored.append((distinct, -index, index, sentence, hits[0].start()))
    best = sorted(scored, reverse=True)[:MAX_PASSAGES]
    return [_mark(_window(sentence, first), pattern) for *_, sentence, first in sorted(best, key=lambda s: s[2])]
