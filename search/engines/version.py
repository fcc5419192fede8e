"""Which version of the index a process's in-memory copies were read at.

A rebuild writes a new random token (a counter could come back after a rollback); every other
write appends the documents it touched to SearchIndexChange. Each search reads both in one
query: a new token means "read everything again", a newer change means "update these documents".
"""

import functools
import uuid
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


@functools.lru_cache(maxsize=64)
def _changed_between(held: IndexState, state: IndexState) -> set[int] | None:
    return changed_since(held.change, state.change)


def changes_between(held: IndexState, state: IndexState) -> set[int] | None:
    """The documents changed from `held` to `state`, read once per pair: after a publication the
    facet index and each cached search value ask for the same few ids. None when the index was
    rebuilt in between, the log no longer reaches back that far, or `held` is not older."""
    if held.token != state.token or held.change >= state.change:
        return None
    return _changed_between(held, state)


forget_changes = _changed_between.cache_clear  # tests: change ids come back in the next database
