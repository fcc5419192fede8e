"""Which records the repository holds: live, public items and the withdrawn ones, with their sets.

Records are ordered by (datestamp, page id), a total order, so a resumption token only needs the
last pair it delivered: no server state, and items published meanwhile are not skipped.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from wagtail.models import Site

from search.service import TYPE_LABELS

from ..models import DeletedItemRecord, FocusArea, KnowledgeItemPage
from ..selectors import ITEM_TYPES, published_items
from .protocol import OAIError


def repository_id(request: HttpRequest) -> str:
    """OAI_REPOSITORY_ID, else the host name of the site the request came to (stable behind proxies)."""
    if settings.OAI_REPOSITORY_ID:
        return settings.OAI_REPOSITORY_ID
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return site.hostname if site else request.get_host().split(":")[0]


def identifier(repository: str, page_id: int) -> str:
    return f"oai:{repository}:{page_id}"


def page_id_from(repository: str, value: str) -> int:
    match = re.fullmatch(rf"oai:{re.escape(repository)}:([1-9][0-9]{{0,17}})", value)
    if not match:
        raise OAIError("idDoesNotExist", _("There is no item with the identifier “%(id)s”.") % {"id": value})
    return int(match.group(1))


def item_sets(item: KnowledgeItemPage) -> list[str]:
    return [f"type:{item.type_slug}", *(f"focus-area:{area.slug}" for area in item.focus_areas.all())]


def all_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) for every set; "type" and "focus-area" are the parents of the others."""
    sets = [("type", _("Content types"))]
    sets += [(f"type:{slug}", str(TYPE_LABELS[slug])) for slug in ITEM_TYPES]
    sets.append(("focus-area", _("Focus areas")))
    sets += [(f"focus-area:{slug}", name) for slug, name in FocusArea.objects.values_list("slug", "name")]
    return sets


def _in_set(items: QuerySet, withdrawn: QuerySet, set_spec: str) -> tuple[QuerySet, QuerySet]:
    if not set_spec:
        return items, withdrawn
    if set_spec in ("type", "focus-area"):
        return items, withdrawn.filter(sets__contains=f" {set_spec}:")
    kind, _colon, value = set_spec.partition(":")
    if kind == "type" and value in ITEM_TYPES:
        items = items.type(ITEM_TYPES[value])
    elif kind == "focus-area" and FocusArea.objects.filter(slug=value).exists():
        items = items.filter(focus_areas__slug=value)
    else:
        raise OAIError("badArgument", _("There is no set “%(set)s”; ListSets names them all.") % {"set": set_spec})
    return items, withdrawn.filter(sets__contains=f" {set_spec} ")


@dataclass
class Record:
    page_id: int
    datestamp: datetime.datetime
    item: KnowledgeItemPage | None  # None for a withdrawn item
    sets: list[str]


class RecordList:
    """The records a list request selects, ready to be cut into pages."""

    def __init__(self, set_spec: str, start: datetime.datetime | None, stop: datetime.datetime | None):
        items = published_items().order_by("last_published_at", "pk")
        withdrawn = DeletedItemRecord.objects.exclude(page_id__in=items.values("pk")).order_by("deleted_at", "page_id")
        items, withdrawn = _in_set(items, withdrawn, set_spec)
        if start:
            items, withdrawn = items.filter(last_published_at__gte=start), withdrawn.filter(deleted_at__gte=start)
        if stop:
            items, withdrawn = items.filter(last_published_at__lt=stop), withdrawn.filter(deleted_at__lt=stop)
        self.items, self.withdrawn = items, withdrawn

    def count(self) -> int:
        return self.items.count() + self.withdrawn.count()

    def page(self, after: tuple[str, int] | None, size: int) -> tuple[list[Record], bool]:
        """Up to `size` records after the given (datestamp, id), and whether more follow."""
        items, withdrawn = self.items, self.withdrawn
        if after:
            moment, last_id = datetime.datetime.fromisoformat(after[0]), after[1]
            items = items.filter(Q(last_published_at__gt=moment) | Q(last_published_at=moment, pk__gt=last_id))
            withdrawn = withdrawn.filter(Q(deleted_at__gt=moment) | Q(deleted_at=moment, page_id__gt=last_id))
        records = [Record(item.pk, item.last_published_at, item, item_sets(item)) for item in items[: size + 1]]
        records += [Record(w.page_id, w.deleted_at, None, w.set_specs) for w in withdrawn[: size + 1]]
        records.sort(key=lambda record: (record.datestamp, record.page_id))
        return records[:size], len(records) > size


def find_record(page_id: int) -> Record | None:
    item = published_items().filter(pk=page_id).first()
    if item is not None:
        return Record(item.pk, item.last_published_at, item, item_sets(item))
    withdrawn = DeletedItemRecord.objects.filter(page_id=page_id).first()
    if withdrawn is not None:
        return Record(withdrawn.page_id, withdrawn.deleted_at, None, withdrawn.set_specs)
    return None


def earliest_datestamp() -> datetime.datetime | None:
    first_item = published_items().order_by("last_published_at").values_list("last_published_at", flat=True).first()
    first_withdrawn = DeletedItemRecord.objects.order_by("deleted_at").values_list("deleted_at", flat=True).first()
    moments = [moment for moment in (first_item, first_withdrawn) if moment]
    return min(moments) if moments else None
