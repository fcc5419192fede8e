"""Passages of an item that show why it matched, matched words wrapped in <mark>."""

import re

from django.utils.html import escape

from ..analysis import TOKEN, fold, stems

# A sentence ends at . ! ? followed by a space or the end: "1.5 million" and "hiv.org" stay whole.
SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")
MAX_PASSAGES = 2
PASSAGE_LENGTH = 220


def _is_match(token: str, language: str, words: set[str], word_stems: set[str]) -> bool:
    folded = fold(token)
    return folded in words or stems([folded], language)[0] in word_stems


def _mark(passage: str, language: str, words: set[str], word_stems: set[str]) -> str:
    out, position = [], 0
    for match in TOKEN.finditer(passage):
        out.append(escape(passage[position : match.start()]))
        token = match.group(0)
        out.append(f"<mark>{escape(token)}</mark>" if _is_match(token, language, words, word_stems) else escape(token))
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
    scored = []
    for index, match in enumerate(SENTENCE.finditer(text)):
        sentence = match.group(0)
        hits = [m for m in TOKEN.finditer(sentence) if _is_match(m.group(0), language, words, word_stems)]
        if hits:
            distinct = len({fold(m.group(0)) for m in hits})
            scored.append((distinct, -index, index, sentence, hits[0].start()))
    best = sorted(scored, reverse=True)[:MAX_PASSAGES]
    return [
        _mark(_window(sentence, first), language, words, word_stems)
        for *_, sentence, first in sorted(best, key=lambda s: s[2])
    ]
