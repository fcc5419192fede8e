"""Keep DeletedItemRecord in step: an item that stops being public is recorded, one published again is not.

Each receiver runs inside the transaction of the change, so the record and the change commit together.
"""

from django.db.models.signals import post_delete, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from ..models import DeletedItemRecord, KnowledgeItemPage
from .records import item_sets


def _record_withdrawn(items) -> None:
    # One statement however many items go (a partnership deleted with all its items).
    now = timezone.now()
    records = [
        DeletedItemRecord(page_id=item.pk, deleted_at=now, sets=f" {' '.join(item_sets(item))} ")
        for item in items.prefetch_related("focus_areas", "content_type")
    ]
    DeletedItemRecord.objects.bulk_create(
        records, update_conflicts=True, unique_fields=["page_id"], update_fields=["deleted_at", "sets"]
    )


def _public_items_under(page: Page):
    return KnowledgeItemPage.objects.live().public().descendant_of(page, inclusive=True)


@receiver(page_unpublished)
def item_unpublished(sender, instance, **kwargs) -> None:
    # An item that was private was never shown to harvesters: nothing to withdraw.
    if isinstance(instance, KnowledgeItemPage):
        _record_withdrawn(KnowledgeItemPage.objects.filter(pk=instance.pk).public())


@receiver(page_published)
def item_published(sender, instance, **kwargs) -> None:
    if isinstance(instance, KnowledgeItemPage) and _public_items_under(instance).exists():
        DeletedItemRecord.objects.filter(page_id=instance.pk).delete()


@receiver(pre_delete, sender=Page)
def page_deleting(sender, instance, **kwargs) -> None:
    # Children go with the page: record them while the tree still says which they are.
    _record_withdrawn(_public_items_under(instance))


@receiver(pre_save, sender=PageViewRestriction)
def privacy_changing(sender, instance, **kwargs) -> None:
    # Before the restriction is saved, public() still shows which items it is about to hide.
    if instance.pk is None:
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            _record_withdrawn(_public_items_under(page))


@receiver(post_delete, sender=PageViewRestriction)
def privacy_lifted(sender, instance, **kwargs) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        DeletedItemRecord.objects.filter(page_id__in=_public_items_under(page).values("pk")).delete()


@receiver(pre_page_move)
def page_moving(sender, instance, parent_page_after, **kwargs) -> None:
    # Moving under a private page hides the moved items without any restriction being saved.
    if PageViewRestriction.objects.filter(page__in=parent_page_after.get_ancestors(inclusive=True)).exists():
        _record_withdrawn(_public_items_under(instance))


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs) -> None:
    DeletedItemRecord.objects.filter(page_id__in=_public_items_under(instance).values("pk")).delete()
