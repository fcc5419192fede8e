"""Sets of search documents as Python ints, one bit per document id.

Counting a search's matches and every facet value's share of them is then a few hundred ANDs
and popcounts of 12 KB integers (about 2 ms at 100,000 documents) instead of GROUP BY queries
that read every matching document's facet rows (hundreds of ms for a common word). Each
process keeps the facet bitsets, bringing them up to date from the index's change log, and the
matched set of recent query clauses and their best ids by relevance until the index changes
(engines/version.py).
"""

import bisect
import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import and_
from pathlib import Path

from django.core.cache import caches
from django.db import connection

from ..models import SearchDocument, SearchFacetValue
from . import version
from .fulltext import fulltext_for

_NONZERO = re.compile(rb"[^\x00]")
_BITS_OF_BYTE = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]
CLAUSE_CACHE_SIZE = 256
SHARED = "search"  # the Django cache that every process reads (config/settings/base.py)
RECIPES = "recipes"  # the shared entry of recent searches' recipes, warmed after index changes
WARM_RECIPES = 200
logger = logging.getLogger(__name__)


def from_ids(ids: Iterable[int]) -> int:
    ids = ids if isinstance(ids, list) else list(ids)
    if not ids:
        return 0
    data = bytearray(max(ids) // 8 + 1)
    for pk in ids:
        data[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(data, "little")


def to_bytes(bits: int) -> bytes:
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def ids_of(bits: int) -> Iterator[int]:
    """The ids in the set, ascending; zero bytes are skipped at C speed."""
    data = to_bytes(bits)
    for match in _NONZERO.finditer(data):
        start = match.start()
        base = start * 8
        for bit in _BITS_OF_BYTE[data[start]]:
            yield base + bit


class Members:
    """Constant-time membership tests (a shift of a big int is linear in its size)."""

    def __init__(self, bits: int):
        self._data = to_bytes(bits)

    def __contains__(self, pk: int) -> bool:
        index = pk >> 3
        return index < len(self._data) and bool(self._data[index] >> (pk & 7) & 1)


def all_of(sets: Iterable[int], everything: int) -> int:
    return reduce(and_, sets, everything)


@dataclass
class FacetIndex:
    """Every indexed document's facet values as bitsets, read at one state of the index."""

    state: object  # the version.IndexState it was read at
    values: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> documents
    everything: int = 0
    oldest: list[int] = field(default_factory=list)  # ids by (publication date, id), oldest first
    sort_key: dict[int, tuple] = field(default_factory=dict)  # id -> (publication date, id)

    @staticmethod
    def _read(ids: list[int] | None) -> tuple[dict[tuple[str, str], list[int]], list[tuple]]:
        """The facet rows and the (publication date, id) of the documents (of all when None)."""
        # Raw rows: at 100,000 documents there are about 900,000 facet rows, and model
        # instances or ORM value rows would cost seconds.
        facets = connection.ops.quote_name(SearchFacetValue._meta.db_table)
        documents = connection.ops.quote_name(SearchDocument._meta.db_table)
        among, params = fulltext_for(connection.vendor).among(ids) if ids is not None else ("", [])
        members: dict[tuple[str, str], list[int]] = {}
        with connection.cursor() as cursor:
            where = f" WHERE document_id IN ({among})" if among else ""
            cursor.execute(f"SELECT facet, value, document_id FROM {facets}{where}", params)  # noqa: S608 (names)
            for facet, value, pk in cursor.fetchall():
                members.setdefault((facet, value), []).append(pk)
            where = f" WHERE id IN ({among})" if among else ""
            cursor.execute(f"SELECT publication_date, id FROM {documents}{where}", params)  # noqa: S608
            dated = cursor.fetchall()
        return members, dated

    @classmethod
    def load(cls, state) -> "FacetIndex":
        members, dated = cls._read(None)
        dated.sort()
        index = cls(state, oldest=[pk for _date, pk in dated], sort_key={pk: (date, pk) for date, pk in dated})
        index.everything = from_ids(index.oldest)
        for (facet, value), ids in members.items():
            index.values.setdefault(facet, {})[value] = from_ids(ids)
        return index

    def updated(self, state, changed: set[int]) -> "FacetIndex":
        """A copy with the changed documents read again (written, changed or removed): a few ms
        where reading everything takes seconds at 100,000 documents."""
        if not changed:
            return replace(self, state=state)
        keep = ~from_ids(changed)
        members, dated = self._read(sorted(changed))
        values: dict[str, dict[str, int]] = {}
        for facet, of_facet in self.values.items():
            values[facet] = {value: bits & keep for value, bits in of_facet.items()}
        for (facet, value), ids in members.items():
            of_facet = values.setdefault(facet, {})
            of_facet[value] = of_facet.get(value, 0) | from_ids(ids)
        values = {facet: {v: bits for v, bits in of_facet.items() if bits} for facet, of_facet in values.items()}
        sort_key, oldest = dict(self.sort_key), list(self.oldest)  # copies at C speed
        leaving = [sort_key.pop(pk) for pk in changed if pk in sort_key]
        if len(leaving) * 64 < len(oldest):
            # A few: each found by bisection, where a pass over 100,000 ids takes tens of ms.
            for key in leaving:
                del oldest[bisect.bisect_left(oldest, key, key=self.sort_key.__getitem__)]
        else:
            oldest = [pk for pk in oldest if pk not in changed]
        sort_key.update({pk: (date, pk) for date, pk in dated})
        for _date, pk in dated:
            bisect.insort(oldest, pk, key=sort_key.__getitem__)
        return FacetIndex(
            state,
            values=values,
            everything=(self.everything & keep) | from_ids([pk for _date, pk in dated]),
            oldest=oldest,
            sort_key=sort_key,
        )

    def chosen(self, facet: str, values: Iterable[str]) -> int:
        """Documents with any of the values (values of one facet combine with OR)."""
        of_facet = self.values.get(facet, {})
        found = 0
        for value in values:
            found |= of_facet.get(value, 0)
        return found

    def years(self, first: int | None, last: int | None) -> int:
        years = self.values.get("year", {})
        return self.chosen("year", [y for y in years if (first or 0) <= int(y) <= (last or 9999)])

    def in_date_order(self, bits: int, count: int, offset: int = 0, oldest_first: bool = False) -> list[int]:
        """The set's ids from `offset`, newest (or oldest) first, at most `count`."""
        wanted = offset + count
        if bits.bit_count() <= 4 * wanted or bits.bit_count() < 2000:
            ordered = sorted(ids_of(bits), key=self.sort_key.__getitem__, reverse=not oldest_first)
            return ordered[offset:wanted]
        # A large set: walk the date order until enough of it is found.
        members, found = Members(bits), []
        for pk in self.oldest if oldest_first else reversed(self.oldest):
            if pk in members:
                found.append(pk)
                if len(found) == wanted:
                    break
        return found[offset:]


class FacetIndexes:
    """This process's facet index, brought up to date from the change log when it can be."""

    def __init__(self):
        self._index: FacetIndex | None = None
        self._lock = threading.Lock()

    def get(self, state) -> FacetIndex:
        index = self._index
        if index is not None and index.state == state:
            return index
        fresh = self._carried(index, state)
        if fresh is None:
            # Reading every facet row takes about 2 s at 100,000 documents; the copy another
            # process shared (about 100 ms to read) is brought up to date like this process's own.
            shared = shared_values.get(SHARED, self.SHARED_KEY)
            shared = FacetIndex(shared[0], *shared[1]) if shared is not None else None
            fresh = shared if shared is not None and shared.state == state else self._carried(shared, state)
        if fresh is None:
            fresh = FacetIndex.load(state)
            self.share(fresh)
        with self._lock:
            if self._index is None or self._index.state != state:
                self._index = fresh
        return fresh

    @staticmethod
    def _carried(index: FacetIndex | None, state) -> FacetIndex | None:
        changed = version.changes_between(index.state, state) if index is not None else None
        return index.updated(state, changed) if changed is not None else None

    def clear(self) -> None:
        with self._lock:
            self._index = None

    SHARED_KEY = "facet index"

    @classmethod
    def share(cls, index: FacetIndex) -> None:
        """Only a whole read is shared: pickling 100,000 documents' sets takes half a second, too
        much to repeat after each publication (the others bring theirs up to date alike)."""
        fields = (index.values, index.everything, index.oldest, index.sort_key)
        shared_values.set(SHARED, cls.SHARED_KEY, (index.state, fields))


class VersionedCache:
    """Values computed in one state of the index; the least recently used go first past `size`.

    A value from an earlier state is computed again, unless the caller can `carry` it forward:
    given the held value and the documents changed since (engines/version.py), `carry` returns
    the value for the new state, or None to have it computed afresh. After a publication, a
    search's cached values then cost a few lookups of the changed documents instead of a new pass
    over every match (400-1,000 ms for a common word at 100,000 items).

    With `shared`, each value is also written to that Django cache (config/settings: "search",
    files on this machine by default), where the other processes find it: a gunicorn worker
    that starts, or the one that did not answer a search the first time, reads the value (or
    carries it forward) instead of ranking every match again."""

    def __init__(self, size: int, shared: str | None = None):
        self.size = size
        self.shared = shared
        self._values: OrderedDict = OrderedDict()  # key -> (state, value)
        self._lock = threading.Lock()

    def get(self, state, key, compute: Callable, carry: Callable | None = None, recipe=None):
        """`recipe`: how the engine computes the value again for a new index (`shared_values.
        recipes`), when it can without this request's other values."""
        with self._lock:
            held = self._values.get(key)
            if held is not None and held[0] == state:
                self._values.move_to_end(key)
                return held[1]
        stored = shared_values.get(self.shared, key) if self.shared else None
        if stored is not None and stored[0] == state:
            self._keep(key, stored)
            return stored[1]
        value = None
        for older in _newest_first(state, held, stored) if carry is not None else []:
            changed = version.changes_between(older[0], state)
            value = carry(older[1], changed) if changed is not None else None
            if value is not None:
                break
        if value is None:
            value = compute()  # outside the lock: a slow computation must not hold up other threads
        self._keep(key, (state, value))
        if self.shared:
            shared_values.set(self.shared, key, (state, value))
            if recipe is not None and not shared_values.warming:
                shared_values.remember(self.shared, recipe)
        return value

    def _keep(self, key, entry) -> None:
        with self._lock:
            self._values[key] = entry
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """This process's copies; the shared ones stay (tests clear Django's caches apart)."""
        with self._lock:
            self._values = OrderedDict()


def _newest_first(state, *entries) -> list:
    """The held entries from earlier states of the same index, the nearest first (fewest changes
    to carry)."""
    older = [e for e in entries if e is not None and e[0].token == state.token and e[0].change < state.change]
    return sorted(older, key=lambda entry: -entry[0].change)


class SharedValues:
    """Cached search values in a Django cache that every process of the site reads. Keys name the
    database as well, since a state's token and change ids only mean something within one
    database, and the engine's code, since another version may compute or shape values otherwise
    (processes of the old and the new code run side by side during a deploy).
    A cache that cannot be reached costs the speed-up, never a search; the first failure is
    logged as a warning, the next ones (every search could fail alike) at debug level."""

    def __init__(self):
        self._failed = False
        self._local = threading.local()

    @functools.cached_property
    def _code(self) -> str:
        """A digest of the engine's modules, read at the first use rather than at import."""
        code = hashlib.blake2b(digest_size=8)
        for module in sorted(Path(__file__).parent.glob("*.py")):
            code.update(module.read_bytes())
        return code.hexdigest()

    def _failure(self, what: str) -> None:
        logger.log(
            logging.DEBUG if self._failed else logging.WARNING,
            "The shared search cache could not be %s",
            what,
            exc_info=True,
        )
        self._failed = True

    def _key(self, name: str, key) -> str:
        database = tuple(str(connection.settings_dict.get(part)) for part in ("HOST", "PORT", "NAME"))
        digest = hashlib.blake2b(repr((database, self._code, name, key)).encode(), digest_size=20).hexdigest()
        return f"{name}:{digest}"

    def get(self, alias: str, key):
        try:
            return caches[alias].get(self._key(alias, key))
        except Exception:  # noqa: BLE001 (any backend's failure: Redis down, disk full, bad pickle)
            self._failure("read")
            return None

    def clear(self, alias: str = SHARED) -> None:
        try:
            caches[alias].clear()
        except Exception:  # noqa: BLE001
            self._failure("cleared")

    def recipes(self, alias: str = SHARED) -> list:
        """How to compute again the values searched most recently, the most recent first, as Solr
        regenerates its caches' entries for a new searcher (its autowarming)."""
        return list(reversed(self.get(alias, RECIPES) or {}))

    def remember(self, alias: str, recipe) -> None:
        """Kept in one entry that every process rewrites when it computes a value: two processes
        writing at once may lose one recipe, which only leaves that search unwarmed."""
        recipes = self.get(alias, RECIPES) or {}
        recipes.pop(recipe, None)
        recipes[recipe] = None
        while len(recipes) > WARM_RECIPES:
            del recipes[next(iter(recipes))]
        self.set(alias, RECIPES, recipes)

    @property
    def warming(self) -> bool:
        return getattr(self._local, "warming", False)

    @contextmanager
    def warming_up(self):
        """While warming, values are computed for searches asked before: they do not count as
        asked again (nor reorder the recipes, one read and write of them each)."""
        self._local.warming = True
        try:
            yield
        finally:
            self._local.warming = False

    def start_over(self, recipes: list, alias: str = SHARED) -> None:
        """After a rebuild: the values belong to the old index, the recipes serve the new one."""
        self.clear(alias)
        self.set(alias, RECIPES, dict.fromkeys(reversed(recipes)))

    def set(self, alias: str, key, entry) -> None:
        try:
            caches[alias].set(self._key(alias, key), entry)
        except Exception:  # noqa: BLE001
            self._failure("written")


shared_values = SharedValues()


facet_indexes = FacetIndexes()
clause_sets = VersionedCache(size=CLAUSE_CACHE_SIZE, shared=SHARED)
ranked_lists = VersionedCache(size=CLAUSE_CACHE_SIZE, shared=SHARED)  # (query, window) -> best ids
related_lists = VersionedCache(size=4096, shared=SHARED)  # (item id, limit) -> its related items' ids


def facet_index(state) -> FacetIndex:
    return facet_indexes.get(state)
