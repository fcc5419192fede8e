"""The indexed words, for typo tolerance and "did you mean"."""

import threading
from collections import Counter, defaultdict

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..analysis import tokens
from ..models import SearchTerm

MIN_TYPO_LENGTH = 5  # shorter words must be typed right: too many neighbours otherwise
# Edits are counted as Elasticsearch counts them: a swap of two neighbours is one edit (OSA).
UPSERT_BATCH = 300  # three parameters each: under SQLite's 999-variable limit of old builds


def allowed_edits(word: str) -> int:
    if len(word) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(word) < 8 else 2


def is_vocabulary_word(word: str) -> bool:
    return 3 <= len(word) <= 40 and not word.isdigit()


def vocabulary_words(text: str) -> set[str]:
    return {word for word in tokens(text) if is_vocabulary_word(word)}


class Vocabulary:
    """An in-process copy of SearchTerm by word length, kept while the state of the index
    (engines/version.py) the engine passes to `use` stays the same."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_length: dict[int, dict[str, int]] | None = None
        self._state = None

    def invalidate(self) -> None:
        with self._lock:
            self._by_length, self._state = None, None

    def use(self, state) -> None:
        """The index is in this state: a copy read in another is dropped."""
        with self._lock:
            if state != self._state:
                self._by_length, self._state = None, state

    def _load(self) -> dict[int, dict[str, int]]:
        with self._lock:
            if self._by_length is None:
                by_length: dict[int, dict[str, int]] = defaultdict(dict)
                for term, documents, length in SearchTerm.objects.values_list("term", "documents", "length").iterator():
                    by_length[length][term] = documents
                self._by_length = by_length
            return self._by_length

    def known(self, word: str) -> bool:
        return word in self._load().get(len(word), {})

    def corrections(self, word: str, limit: int = 3) -> list[str]:
        """Indexed words within the allowed edits of `word`, closest and most common first."""
        edits = allowed_edits(word)
        if not edits:
            return []
        by_length = self._load()
        candidates: dict[str, int] = {}
        for length in range(len(word) - edits, len(word) + edits + 1):
            candidates.update(by_length.get(length, {}))
        found = process.extract(word, candidates.keys(), scorer=OSA.distance, score_cutoff=edits, limit=limit * 4)
        found = [(term, distance) for term, distance, _ in found if term != word]
        found.sort(key=lambda pair: (pair[1], -candidates[pair[0]]))
        return [term for term, _ in found[:limit]]

    @staticmethod
    def apply(delta: Counter) -> None:
        """Add (or with negative counts remove) documents' words: one upsert per 300 words, since
        publishing a long item touches thousands of them."""
        added = [(term, change, len(term)) for term, change in delta.items() if change > 0]
        removed = [(-change, -change, term) for term, change in delta.items() if change < 0]
        table = connection.ops.quote_name(SearchTerm._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(added), UPSERT_BATCH):
                batch = added[start : start + UPSERT_BATCH]
                cursor.execute(
                    f"INSERT INTO {table} (term, documents, length) VALUES "
                    + ", ".join(["(%s, %s, %s)"] * len(batch))
                    + f" ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + excluded.documents",
                    [value for row in batch for value in row],
                )
            if removed:
                cursor.executemany(
                    f"UPDATE {table} SET documents = CASE WHEN documents > %s THEN documents - %s ELSE 0 END "
                    "WHERE term = %s",
                    removed,
                )
                cursor.execute(f"DELETE FROM {table} WHERE documents = 0")


vocabulary = Vocabulary()
