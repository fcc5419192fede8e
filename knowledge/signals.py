"""Keep an item's partnership in step with where it sits in the page tree."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import KnowledgeItemPage, PartnershipPage


@receiver(post_page_move)
def follow_partnership_on_move(sender, instance, parent_page_after, **kwargs) -> None:
    if not issubclass(sender, KnowledgeItemPage):
        return
    partnership_id = parent_page_after.pk if parent_page_after.specific_class is PartnershipPage else None
    KnowledgeItemPage.objects.filter(pk=instance.pk).update(partnership_id=partnership_id)
