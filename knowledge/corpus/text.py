"""Deterministic text in the words of health partnerships, in English or French.

Words are drawn with Zipf weights (frequency proportional to 1 / rank), the shape real text
has: a few words in nearly every item, a long tail of words in a handful. The tail is made of
invented proper nouns, so rare-word queries have something real to find.
"""

import itertools
import random
from bisect import bisect
from functools import cache

from .words import ENGLISH_CONTENT, ENGLISH_FUNCTION, FRENCH_CONTENT, FRENCH_FUNCTION, SYLLABLES

TAIL_SIZE = 4000
# A share of function words, as in running text (about two words in five).
FUNCTION_SHARE = 0.4


@cache
def tail_words() -> list[str]:
    """The same invented names for every seed, so the benchmark's rare queries always exist."""
    rng = random.Random(20020101)
    seen: dict[str, None] = {}
    while len(seen) < TAIL_SIZE:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))
        seen.setdefault(word.capitalize(), None)
    return list(seen)


@cache
def _distribution(language: str) -> tuple[list[str], list[str], list[float]]:
    function, content = (FRENCH_FUNCTION, FRENCH_CONTENT) if language == "fr" else (ENGLISH_FUNCTION, ENGLISH_CONTENT)
    units = [*content, *tail_words()]
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(units))))
    return function, units, cumulative


class TextMaker:
    def __init__(self, rng: random.Random, language: str):
        self.rng = rng
        self.language = language
        self.function, self.units, self.cumulative = _distribution(language)

    def words(self, count: int) -> list[str]:
        """`count` words or so (a phrase counts as one draw)."""
        rng = self.rng
        total = self.cumulative[-1]
        content = [self.units[bisect(self.cumulative, rng.random() * total)] for _ in range(count)]
        function = self.function
        return [rng.choice(function) if rng.random() < FUNCTION_SHARE else word for word in content]

    def sentence(self, low: int = 8, high: int = 22) -> str:
        words = self.words(self.rng.randint(low, high))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def sentences(self, words: int) -> list[str]:
        out, written = [], 0
        while written < words:
            sentence = self.sentence()
            out.append(sentence)
            written += sentence.count(" ") + 1
        return out

    def paragraphs(self, words: int) -> list[str]:
        """Paragraphs of four to eight sentences, about `words` words in all."""
        sentences = self.sentences(words)
        out = []
        while sentences:
            size = self.rng.randint(4, 8)
            out.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        return out

    def title(self) -> str:
        words = [w for w in self.words(self.rng.randint(6, 10)) if w not in self.function][:7]
        text = " ".join(words) or "untitled"
        return text[:1].upper() + text[1:]

    def summary(self) -> str:
        text = ""
        for sentence in self.sentences(self.rng.randint(30, 60)):
            if len(text) + len(sentence) + 1 > 590:
                break
            text = f"{text} {sentence}".strip()
        return text or self.sentence()[:590]
