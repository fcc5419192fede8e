"""What changes the index: publishing, unpublishing, moves, deletions, privacy and renames."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from knowledge.models import (
    CaseStudyAuthor,
    Country,
    FocusArea,
    Institution,
    KnowledgeItemPage,
    PartnershipPage,
    Person,
    TestimonialPage,
)

from .indexing import enqueue, enqueue_items_under
from .models import SearchSynonym
from .synonyms import forget_synonyms


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, KnowledgeItemPage):
        # With its other language versions: which one each reader is shown may have changed.
        enqueue(KnowledgeItemPage.objects.filter(translation_key=instance.translation_key).values_list("pk", flat=True))
    elif isinstance(instance, PartnershipPage):
        # Items carry the partnership's title and slug.
        enqueue_items_under(instance)


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs) -> None:
    enqueue_items_under(instance)


@receiver(pre_delete, sender=Page)
def page_deleting(sender, instance, **kwargs) -> None:
    # Children are deleted with the page; queue them all while the tree still says who they are,
    # and an item's other language versions, which may now be shown in its place.
    enqueue_items_under(instance)
    if issubclass(instance.specific_class or Page, KnowledgeItemPage):
        enqueue(KnowledgeItemPage.objects.filter(translation_key=instance.translation_key).values_list("pk", flat=True))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def privacy_changed(sender, instance, **kwargs) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        enqueue_items_under(page)


@receiver(post_save, sender=FocusArea)
def focus_area_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        enqueue(instance.knowledge_items.values_list("pk", flat=True))


@receiver(post_save, sender=Country)
def country_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        enqueue(instance.knowledge_items.values_list("pk", flat=True))


@receiver(post_save, sender=Person)
def person_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        authored = CaseStudyAuthor.objects.filter(person=instance).values_list("page_id", flat=True)
        spoken = TestimonialPage.objects.filter(speaker=instance).values_list("pk", flat=True)
        enqueue([*authored, *spoken])


@receiver(post_save, sender=Institution)
def institution_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        enqueue(TestimonialPage.objects.filter(institution=instance).values_list("pk", flat=True))


@receiver(post_save, sender=SearchSynonym)
@receiver(post_delete, sender=SearchSynonym)
def synonyms_changed(sender, **kwargs) -> None:
    forget_synonyms()
