"""Corpus items written in bulk, as Wagtail leaves a page it has just published.

Publishing one item through Wagtail (`publish_new`: added as a draft, a logged revision
published) costs about a hundred SQL statements. For the benchmark's corpus what matters is
the rows, not the path, so items past the first few hundred are written here a batch at a time,
to the same rows that path leaves behind:

- the page's row in each table of its model (Page, KnowledgeItemPage, then CaseStudyPage,
  LessonPage or TestimonialPage): Django's `bulk_create` refuses multi-table inheritance, so
  each table gets its own INSERT of its local fields (`QuerySet._batched_insert`, which is what
  `bulk_create` runs per table), the first returning the new ids;
- its place in the tree (treebeard's path after its partnership's last child, depth, the
  partnership's `numchild`), `url_path`, locale, `draft_title`, live with no unpublished changes;
- what saving an item takes from its place (`KnowledgeItemPage.fill_in_from_place`: partnership,
  countries, a testimonial's institution), as `save()` does;
- its child relations (authors, outcomes, tagged items) and its ParentalManyToMany rows (focus
  areas, countries), whatever the model declares;
- one Revision holding `serializable_data()` as it stood when `save_revision` ran (a draft not
  yet live), as both `latest_revision` and `live_revision`; and the three audit log entries,
  "wagtail.create", "wagtail.edit" and "wagtail.publish", which the admin's history shows and
  which `knowledge.content_version` reads.

- its entries in Wagtail's two side indexes (`index_in_wagtail`), by the calls Wagtail's
  `update_index` and `rebuild_references_index` make for each chunk or object, on the pages in
  memory.

What publishing also does and this does not: its signals (the search queue, e-mails to the
item's writers, which a synthetic item has none of). tests/knowledge/test_corpus_bulk.py
compares the two paths item by item.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import F, Model
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from modelsearch.backends import get_search_backends
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, TranslatableMixin

from ..models import KnowledgeItemPage, PartnershipPage


def insert_rows(objs: list[Model]) -> None:
    """INSERT new instances of multi-table-inherited models that share one root table (pages of
    several types): the root's rows first, whose generated primary keys are set on the instances
    and their parent links, then each table below it, its own fields only, as `Model.save` does
    for one instance (`_save_parents`, then `_save_table` per table)."""
    chains = {model: [*reversed(model._meta.get_parent_list()), model] for model in {type(obj) for obj in objs}}
    (root,) = {chain[0] for chain in chains.values()}
    using = router.db_for_write(root)
    fields = [f for f in root._meta.local_concrete_fields if not f.generated and not f.primary_key]
    returned = root._base_manager.db_manager(using).all()._batched_insert(objs, fields, batch_size=None)
    if len(returned) != len(objs):  # a backend that cannot return ids from a bulk insert (MySQL)
        ids = dict(root._base_manager.using(using).filter(path__in=[o.path for o in objs]).values_list("path", "pk"))
        returned = [(ids[obj.path],) for obj in objs]
    below = defaultdict(list)
    for obj, (pk, *_others) in zip(objs, returned, strict=True):
        setattr(obj, root._meta.pk.attname, pk)
        for cls in chains[type(obj)][1:]:
            for link in cls._meta.parents.values():
                setattr(obj, link.attname, pk)
            below[cls].append(obj)
        obj._state.adding = False
        obj._state.db = using
    for cls in sorted(below, key=lambda model: len(model._meta.get_parent_list())):  # parents first
        fields = [f for f in cls._meta.local_concrete_fields if not f.generated]
        cls._base_manager.db_manager(using).all()._batched_insert(below[cls], fields, batch_size=None)


class BulkPublisher:
    """Writes batches of unsaved item pages (with their in-memory relations) under their
    partnerships, published. One instance per run: it remembers where each partnership's next
    child goes."""

    def __init__(self):
        self.next_step: dict[int, int] = {}
        self.page_type = ContentType.objects.get_for_model(Page)
        self.prepared: set[int] = set()

    def publish(self, items: list[tuple[PartnershipPage, KnowledgeItemPage]]) -> list[KnowledgeItemPage]:
        """Write the pages as published; call inside a transaction. Returns them, saved."""
        started = timezone.now()
        pages = []
        for n, (partnership, page) in enumerate(items):
            self._place(partnership, page)
            # A distinct instant for each step, in the order the real path takes them: created,
            # its revision saved, published.
            page.created_at = started + timedelta(microseconds=3 * n)
            page.latest_revision_created_at = started + timedelta(microseconds=3 * n + 1)
            page.first_published_at = page.last_published_at = started + timedelta(microseconds=3 * n + 2)
            pages.append(page)

        insert_rows(pages)
        self._relations(pages)
        revisions = self._revisions(pages)
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = page.live_revision = revision
        Page._base_manager.bulk_update(pages, ["latest_revision", "live_revision"])
        self._log(pages, revisions)
        index_in_wagtail(pages)
        added = defaultdict(int)
        for partnership, _page in items:
            added[partnership.pk] += 1
        for pk, count in added.items():
            Page._base_manager.filter(pk=pk).update(numchild=F("numchild") + count)
        return pages

    # The page's place, and what it takes from it --------------------------------------------

    def _prepare(self, partnership: PartnershipPage) -> None:
        """Read once what every item placed under this partnership needs from it."""
        last = (
            Page._base_manager.filter(path__startswith=partnership.path, depth=partnership.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        self.next_step[partnership.pk] = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
        # In memory, so that each item's countries need no query (KnowledgeItemPage.fill_in_from_place).
        partnership.countries.get_object_list()
        partnership.south_institutions.get_object_list()
        partnership.locale  # noqa: B018 (read once, shared by its items)
        self.prepared.add(partnership.pk)

    def _place(self, partnership: PartnershipPage, page: KnowledgeItemPage) -> None:
        """Where `add_child` puts a page and what Page.save and the item's save fill in."""
        if partnership.pk not in self.prepared:
            self._prepare(partnership)
        step = self.next_step[partnership.pk]
        self.next_step[partnership.pk] = step + 1
        page.depth = partnership.depth + 1
        page.path = Page._get_path(partnership.path, page.depth, step)
        page.numchild = 0
        page.locale = partnership.locale
        page.draft_title = page.title
        page.set_url_path(partnership)
        # Every relation in memory from now on: an unsaved page's empty ones need no query, a saved
        # page's would each cost one (a comment, an attachment).
        for relation in get_all_child_relations(page):
            getattr(page, relation.get_accessor_name()).get_object_list()
        for field in get_all_child_m2m_relations(page):
            manager = getattr(page, field.name)
            manager.set(list(manager.all()))
        page.fill_in_from_place(partnership)
        page.live = True
        page.has_unpublished_changes = False
        page.expired = False

    # Relations -------------------------------------------------------------------------------

    def _relations(self, pages: list[KnowledgeItemPage]) -> None:
        children = defaultdict(list)
        placed = []  # (page, relation, its children)
        through_rows = defaultdict(list)
        for page in pages:
            for relation in get_all_child_relations(page):
                name = relation.get_accessor_name()
                objs = list(getattr(page, name).all())
                for child in objs:
                    setattr(child, relation.field.name, page)
                    if isinstance(child, TranslatableMixin) and child.locale_id is None:
                        # What saving sets (TranslatableMixin.get_default_locale): the parent's locale.
                        child.locale_id = page.locale_id
                children[relation.related_model].extend(objs)
                placed.append((page, name, objs))
            for field in get_all_child_m2m_relations(page):
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                for related in getattr(page, field.name).all():
                    through_rows[through].append(through(**{source: page.pk, target: related.pk}))
        stored = {}
        for model, objs in children.items():
            model._base_manager.bulk_create(objs)
            # As the database gives them back: the revision is made from the children read from the
            # database on the real path (an outcome's baseline of 25 is stored and read as 25.00).
            stored[model] = model._base_manager.in_bulk([obj.pk for obj in objs])
        for page, name, objs in placed:
            getattr(page, name).set([stored[type(obj)][obj.pk] for obj in objs])
        for model, objs in through_rows.items():
            model._base_manager.bulk_create(objs)

    # The revision and the history ------------------------------------------------------------

    def _revisions(self, pages: list[KnowledgeItemPage]) -> list[Revision]:
        revisions = []
        for page in pages:
            revisions.append(
                Revision(
                    content_type_id=page.content_type_id,
                    base_content_type=self.page_type,
                    object_id=str(page.pk),
                    created_at=page.latest_revision_created_at,
                    user=None,
                    approved_go_live_at=None,
                    content=self._draft_content(page),
                    object_str=str(page),
                )
            )
        return Revision.objects.bulk_create(revisions)

    @staticmethod
    def _draft_content(page: KnowledgeItemPage) -> dict:
        """`serializable_data()` as `save_revision` takes it: the page just added as a draft."""
        published = {
            name: getattr(page, name)
            for name in (
                "live",
                "first_published_at",
                "last_published_at",
                "latest_revision_created_at",
                "live_revision",
                "latest_revision",
            )
        }
        page.live = False
        page.first_published_at = page.last_published_at = page.latest_revision_created_at = None
        page.live_revision = page.latest_revision = None
        try:
            return page.serializable_data()
        finally:
            for name, value in published.items():
                setattr(page, name, value)

    @staticmethod
    def _log(pages: list[KnowledgeItemPage], revisions: list[Revision]) -> None:
        entries = []
        for page, revision in zip(pages, revisions, strict=True):
            for action, timestamp, logged_revision in (
                ("wagtail.create", page.created_at, None),  # Page.save, for a new page
                ("wagtail.edit", page.latest_revision_created_at, revision),  # save_revision(log_action=True)
                ("wagtail.publish", page.last_published_at, revision),  # revision.publish()
            ):
                entries.append(
                    PageLogEntry(
                        content_type_id=page.content_type_id,
                        label=page.get_admin_display_title(),
                        action=action,
                        timestamp=timestamp,
                        data={},
                        user=None,
                        uuid=None,
                        page=page,
                        revision=logged_revision,
                        content_changed=True,
                    )
                )
        PageLogEntry.objects.bulk_create(entries)


def index_in_wagtail(pages: list[Page]) -> None:
    """Wagtail's admin search index and reference index entries of these specific pages, as
    `update_index` (a backend's `add_bulk` per model, each page under its own type, as
    `get_indexed_objects` picks them) and `rebuild_references_index` (per object) write them.
    Run on whole indexes, those commands cost about 15 ms a page: half an hour at 100,000 items."""
    by_model = defaultdict(list)
    for page in pages:
        by_model[type(page)].append(page)
    for backend in get_search_backends():
        for model, same in by_model.items():
            backend.add_bulk(model, same)
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)


def refresh_title_norms() -> None:
    """What `update_index` ends with on SQLite (its rebuilder's `finish`): every admin search
    entry's title norm recomputed from the average title length. Other backends have none."""
    for backend in get_search_backends():
        index = backend.get_index_for_model(Page)
        if hasattr(index, "_refresh_title_norms"):
            index._refresh_title_norms(full=True)
