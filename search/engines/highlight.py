"""Passages of an item that show why it matched, matched words wrapped in <mark>."""

import re
from html import escape  # what django.utils.html.escape does, without its lazy-string wrapper

from ..analysis import TOKEN, fold, stems

# A sentence ends at . ! ? followed by a space or the end: "1.5 million" and "hiv.org" stay whole.
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")
MAX_PASSAGES = 2
PASSAGE_LENGTH = 220
# Passages come from the first characters of a long text when they match there: the whole of a
# 3,000-word item costs ten times as much to scan, for each of a page's hits.
WINDOW = 6000


def _matching_tokens(text: str, language: str, words: set[str], word_stems: set[str]) -> set[str]:
    """The text's tokens, as written, that match: each distinct token folded and stemmed once,
    and only those that can match. Folding and stemming keep a word's first two letters, so a
    token starting otherwise (in ASCII) is passed over unread."""
    starts = {word[:2] for word in (*words, *word_stems)}
    distinct = [token for token in set(TOKEN.findall(text)) if token[:2].lower() in starts or not token[:2].isascii()]
    folded = [fold(token) for token in distinct]
    return {
        token
        for token, word, stem in zip(distinct, folded, stems(folded, language), strict=True)
        if word in words or stem in word_stems
    }


def _mark(passage: str, matching: set[str]) -> str:
    out, position = [], 0
    for match in TOKEN.finditer(passage):
        out.append(escape(passage[position : match.start()]))
        token = match.group(0)
        out.append(f"<mark>{escape(token)}</mark>" if token in matching else escape(token))
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


def highlight(text: str, language: str, words: set[str], word_stems: set[str]) -> list[str]:
    """Up to two passages with the most matched words, in reading order, safe to render as HTML."""
    if len(text) > WINDOW:
        start = text[: text.rfind(" ", 0, WINDOW) + 1 or WINDOW]
        passages = _passages(start, language, words, word_stems)
        if passages:
            return passages
    return _passages(text, language, words, word_stems)


def _passages(text: str, language: str, words: set[str], word_stems: set[str]) -> list[str]:
    matching = _matching_tokens(text, language, words, word_stems)
    if not matching:
        return []
    # One pattern for the matching tokens, whole tokens only: sentences without one cost no Python.
    alternatives = "|".join(re.escape(token) for token in sorted(matching, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")
    scored = []
    for index, match in enumerate(SENTENCE.finditer(text)):
        sentence = match.group(0)
        hits = list(pattern.finditer(sentence))
        if hits:
            distinct = len({fold(m.group(0)) for m in hits})
            scored.append((distinct, -index, index, sentence, hits[0].start()))
    best = sorted(scored, reverse=True)[:MAX_PASSAGES]
    return [_mark(_window(sentence, first), matching) for *_, sentence, first in sorted(best, key=lambda s: s[2])]
