"""Typo tolerance and "did you mean": the rules, once for every engine.

Engines only say which of a query's words their index does not hold and which indexed words lie
closest (`SearchEngine.spelling`); what counts as a typo, and how a correction is offered, is
decided here.
"""

import re

from .analysis import fold

MIN_TYPO_LENGTH = 5  # shorter words must be typed right: too many neighbours otherwise
MIN_SUGGESTED_LENGTH = 3  # "did you mean" looks at words of three letters or more
# Letters and digits, as every engine splits words: `l'hôpital` is `l` and `hôpital`.
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def allowed_edits(word: str) -> int:
    """Edits forgiven in a word, counted as Elasticsearch counts them (a swap of two neighbours
    is one edit, OSA): none under five letters, one up to seven, two beyond."""
    if len(word) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(word) < 8 else 2


def is_vocabulary_word(word: str) -> bool:
    """A word worth offering as a correction: not a number, not a fragment, not a hash."""
    return 3 <= len(word) <= 40 and not word.isdigit()


def corrected_text(text: str, corrections: dict[str, list[str]]) -> str | None:
    """The text with each misspelt word replaced where it stands, so apostrophes, hyphens, case
    and accents of the other words stay as typed (`l'hôpitall` -> `l'hopital`); None when nothing
    would change."""
    pieces, end, changed = [], 0, False
    for match in TOKEN.finditer(text):
        options = corrections.get(fold(match.group()))
        if options:
            pieces += [text[end : match.start()], options[0]]
            end, changed = match.end(), True
    if not changed:
        return None
    corrected = "".join(pieces) + text[end:]
    return corrected if fold(corrected) != fold(text) else None


def words_to_check(text: str) -> list[str]:
    """The folded words of a text that "did you mean" looks at."""
    words = (fold(match.group()) for match in TOKEN.finditer(text))
    return list(dict.fromkeys(word for word in words if len(word) >= MIN_SUGGESTED_LENGTH and not word.isdigit()))
