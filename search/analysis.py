"""Language analysis in Python, as the engines analyse text (search/schema.py): the same folding
and Snowball stemmers, for what the service does with words itself: highlights and "did you mean"."""

import re
import threading
import unicodedata

import Stemmer

from .schema import LANGUAGES

STEMMERS = LANGUAGES
# Letters and digits only: the same split as the engines' tokenizers.
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_local = threading.local()  # PyStemmer objects are not thread-safe


def _stemmer(language: str) -> Stemmer.Stemmer:
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {code: Stemmer.Stemmer(name) for code, name in STEMMERS.items()}
    return cache.get(language, cache["en"])


NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Every combining mark (canonical combining class other than 0), for str.translate to delete.
# None lies above U+2FFFF.
COMBINING = dict.fromkeys(code for code in range(0x30000) if unicodedata.combining(chr(code)))


def _strip_combining(match: re.Match) -> str:
    return match.group().translate(COMBINING)


def fold(text: str) -> str:
    """Lower case without accents: `Santé` -> `sante`."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    # Accents are rare among the characters: look only at the non-ASCII runs.
    return NON_ASCII.sub(_strip_combining, unicodedata.normalize("NFKD", folded))


def tokens(text: str) -> list[str]:
    return TOKEN.findall(fold(text))


def stems(words: list[str], language: str) -> list[str]:
    return _stemmer(language).stemWords(words)


def stems_in_every_language(word: str) -> set[str]:
    """A query word's stems under each content language: the reader's language is unknown."""
    return {_stemmer(language).stemWord(word) for language in STEMMERS}
