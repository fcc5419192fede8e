"""The index version token: every process's in-memory copies of the index are tagged with it."""

import uuid

from ..models import SearchIndexVersion


def current() -> str:
    """The token now (one indexed primary-key read); "" before the first write."""
    return SearchIndexVersion.objects.filter(id=1).values_list("token", flat=True).first() or ""


def bump() -> None:
    """Call inside the transaction that writes the index: readers see the new token with the new data."""
    token = uuid.uuid4().hex
    if not SearchIndexVersion.objects.filter(id=1).update(token=token):
        SearchIndexVersion.objects.create(id=1, token=token)
