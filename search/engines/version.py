"""Which version of the index a process's in-memory copies were read at.

A rebuild writes a new random token (a counter could come back after a rollback); every other
write appends the documents it touched to SearchIndexChange. Each search reads both in one
query: a new token means "read everything again", a newer change means "update these documents".
"""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.db import connection

from ..models import SearchIndexChange, SearchIndexVersion

KEEP_CHANGES = 50_000  # a process further behind than this reads everything again


@dataclass(frozen=True)
class IndexState:
    token: str
    change: int  # the newest SearchIndexChange id, 0 when there is none


def current() -> IndexState:
    versions = connection.ops.quote_name(SearchIndexVersion._meta.db_table)
    changes = connection.ops.quote_name(SearchIndexChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT token FROM {versions} WHERE id = 1), (SELECT MAX(id) FROM {changes})")  # noqa: S608
        token, change = cursor.fetchone()
    return IndexState(token or "", change or 0)


def bump() -> None:
    """After a rebuild, inside its transaction: every process reads the whole index again."""
    token = uuid.uuid4().hex
    if not SearchIndexVersion.objects.filter(id=1).update(token=token):
        SearchIndexVersion.objects.create(id=1, token=token)
    SearchIndexChange.objects.all().delete()


def record(document_ids: list[int]) -> None:
    """Inside the transaction that writes or removes these documents."""
    created = SearchIndexChange.objects.bulk_create([SearchIndexChange(document_id=pk) for pk in document_ids])
    if created and created[-1].id and created[-1].id % 1000 < len(created):
        # Now and then, forget changes every process has long applied.
        SearchIndexChange.objects.filter(id__lte=created[-1].id - KEEP_CHANGES).delete()


def changed_since(change: int, until: int) -> set[int] | None:
    """The documents changed after `change`, up to `until`; None when that is too far back (the
    log is pruned: the caller reads everything again)."""
    if until - change > KEEP_CHANGES // 2:
        return None
    return set(SearchIndexChange.objects.filter(id__gt=change, id__lte=until).values_list("document_id", flat=True))


class _ChangeMemo:
    """The documents changed between two recent states, read once per pair: after a publication
    each cached search value asks for the same few ids."""

    SIZE = 64

    def __init__(self):
        self._pairs: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def between(self, held: IndexState, state: IndexState) -> set[int] | None:
        """None when the index was rebuilt in between, the log no longer reaches back that far,
        or `held` is not older than `state`."""
        if held.token != state.token or held.change >= state.change:
            return None
        key = (held, state)
        with self._lock:
            if key in self._pairs:
                self._pairs.move_to_end(key)
                return self._pairs[key]
        changed = changed_since(held.change, state.change)
        with self._lock:
            self._pairs[key] = changed
            while len(self._pairs) > self.SIZE:
                self._pairs.popitem(last=False)
        return changed

    def clear(self) -> None:
        with self._lock:
            self._pairs.clear()


change_memo = _ChangeMemo()
