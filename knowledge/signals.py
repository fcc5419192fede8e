"""Keep an item's partnership in step with where it sits in the page tree, and each
partnership's partner group in step with the partnership."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import KnowledgeItemPage, PartnerGroup, PartnershipPage
from .publishing.partners import ensure_partner_group


@receiver(post_page_move)
def follow_partnership_on_move(sender, instance, parent_page_after, **kwargs) -> None:
    if not issubclass(sender, KnowledgeItemPage):
        return
    partnership_id = parent_page_after.pk if parent_page_after.specific_class is PartnershipPage else None
    KnowledgeItemPage.objects.filter(pk=instance.pk).update(partnership_id=partnership_id)


@receiver(post_save, sender=PartnershipPage)
def keep_partner_group(sender, instance, raw=False, **kwargs) -> None:
    """Every partnership has its partner group, named after its current title."""
    if raw:  # fixtures
        return
    ensure_partner_group(instance)


@receiver(post_delete, sender=PartnerGroup)
def drop_partner_group(sender, instance, **kwargs) -> None:
    # The accounts stay (they may belong to other partnerships); the group's rights go.
    instance.group.delete()
