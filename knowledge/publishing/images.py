"""Where a partnership image's renditions live: in the public folder once the image is public,
otherwise where only the site's checking view reaches them.

Readers' browsers fetch renditions (the sizes `{% image %}` makes) as plain files from
`images/`, which the web server or the bucket serves directly: fast, and what Wagtail does. A
rendition of an image the public may not see yet (knowledge/publishing/visibility.py) is written
to `protected_images/<image id>/` instead, addressed through the site
(knowledge/publishing/storage.py, media.py). When an image's visibility changes (a page using it
is published, unpublished, deleted, moved or restricted, a snippet showing it changes, the image
changes collection) its renditions move to the other folder once the change is committed.
`manage.py place_renditions` does the same for every rendition (renditions made before this
rule, or a move that failed).

Original files never move: `original_images/` is served only through the checking view.
"""

import logging
import posixpath
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django_tasks.backends.immediate import ImmediateBackend
from wagtail.images import get_image_model
from wagtail.images.models import AbstractRendition
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.signals import post_page_move
from wagtail.tasks import update_reference_index_task

from .storage import PROTECTED_RENDITIONS, PUBLIC_RENDITIONS
from .visibility import is_public, public_q

logger = logging.getLogger(__name__)


# Where a new rendition goes ---------------------------------------------------------------------


def protected_name(image_id: int, name: str) -> str:
    return f"{PROTECTED_RENDITIONS}{image_id}/{posixpath.basename(name)}"


def public_name(name: str) -> str:
    return PUBLIC_RENDITIONS + posixpath.basename(name)


def rendition_upload_to(rendition: AbstractRendition, filename: str) -> str:
    """Wagtail's path (`images/<name>`) for a public image, a protected one otherwise."""
    name = _wagtails_upload_to(rendition, filename)
    return name if is_public(rendition.image) else protected_name(rendition.image_id, name)


_wagtails_upload_to = AbstractRendition.get_upload_to


# Moving renditions when visibility changes ------------------------------------------------------


def misplaced_renditions(images: QuerySet | None = None) -> tuple[QuerySet, QuerySet]:
    """(renditions in the public folder whose image is not public, protected renditions whose
    image is public), among the renditions of `images` (every image if None)."""
    image_model = get_image_model()
    candidates = image_model.objects.all() if images is None else images
    public_images = candidates.filter(public_q(image_model)).values("pk")
    renditions = image_model.get_rendition_model().objects.select_related("image")
    if images is not None:
        renditions = renditions.filter(image__in=images.values("pk"))
    protected = renditions.filter(file__startswith=PROTECTED_RENDITIONS)
    return (
        renditions.exclude(file__startswith=PROTECTED_RENDITIONS).exclude(image__in=public_images),
        protected.filter(image__in=public_images),
    )


def _move(rendition: AbstractRendition, name: str) -> None:
    storage = rendition.file.storage
    old = rendition.file.name
    if not storage.exists(old):
        # Nothing to protect or to publish: Wagtail makes it again when next asked.
        rendition.delete()
        return
    with storage.open(old, "rb") as content:
        new = storage.save(name, content)
    type(rendition).objects.filter(pk=rendition.pk).update(file=new)
    rendition.file.name = new
    rendition.purge_from_cache()
    storage.delete(old)


def place_renditions(images: QuerySet | None = None) -> tuple[int, int]:
    """Move misplaced renditions of `images` (every image if None) to the folder their image's
    visibility asks for; how many were (protected, published)."""
    exposed, hidden = misplaced_renditions(images)
    protected = published = 0
    for rendition in exposed:
        _move(rendition, protected_name(rendition.image_id, rendition.file.name))
        protected += 1
    for rendition in hidden:
        _move(rendition, public_name(rendition.file.name))
        published += 1
    return protected, published


# What changes an image's visibility -------------------------------------------------------------


def images_used_by(model: type[Model], object_ids: list) -> set[int]:
    """Ids of the images these objects refer to, and for pages those of the snippets they show."""
    image_type = ContentType.objects.get_for_model(get_image_model())
    parents = model._meta.get_parent_list()  # the reference index names pages by Page, as Wagtail does
    base_type = ContentType.objects.get_for_model(parents[-1] if parents else model)
    keys = [str(pk) for pk in object_ids]
    sources = Q(base_content_type=base_type, object_id__in=keys)
    if issubclass(model, Page):
        page_type = ContentType.objects.get_for_model(Page)
        shown = ReferenceIndex.objects.filter(sources).exclude(to_content_type__in=[page_type, image_type])
        for content_type_id, object_id in shown.values_list("to_content_type", "to_object_id").distinct():
            sources |= Q(base_content_type=content_type_id, object_id=object_id)
    found = ReferenceIndex.objects.filter(sources, to_content_type=image_type).values_list("to_object_id", flat=True)
    return {int(key) for key in found}


def _tracked(model: type[Model]) -> bool:
    return issubclass(model, Page) or (
        ReferenceIndex.is_indexed(model)
        and not issubclass(model, (get_image_model(), get_image_model().get_rendition_model()))
    )


def _index_updated_in_process() -> bool:
    """Whether Wagtail's reference index task ran during the save itself (tasks run in the web
    process: development, tests, TASKS_BACKEND=immediate), rather than later in a worker."""
    return isinstance(update_reference_index_task.get_backend(), ImmediateBackend)


def settle(images=(), refresh: tuple[type[Model], object] | None = None, everything: bool = False) -> None:
    """After a commit: bring the reference index of the object that changed up to date (unless
    Wagtail's task already did: with a worker it may not have run yet), then place the renditions
    of the images it used before and uses now; or of every image, after a change to a whole
    section of pages (a privacy restriction, a move), which is rare."""
    try:
        if everything:
            place_renditions()
            return
        ids = set(images)
        if refresh is not None:
            model, pk = refresh
            changed = model._default_manager.filter(pk=pk).first()
            if changed is not None:
                changed = changed.specific if isinstance(changed, Page) else changed
                if not _index_updated_in_process():
                    ReferenceIndex.create_or_update_for_object(changed)
                ids |= images_used_by(type(changed), [pk])
        if ids:
            place_renditions(get_image_model().objects.filter(pk__in=ids))
    except Exception:
        # The files stay where they were until the next change or `manage.py place_renditions`;
        # the change itself, already committed, stands.
        logger.exception("Could not place the renditions of images %s", sorted(images))


@receiver(pre_save)
def _remember_images_used(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None or not _tracked(sender):
        return
    instance._images_used_before_save = images_used_by(sender, [instance.pk])


@receiver(post_save)
def _settle_after_save(sender, instance, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    if issubclass(sender, get_image_model()):
        if not created:  # a new image has no renditions yet
            transaction.on_commit(partial(settle, images=[instance.pk]))
    elif issubclass(sender, PageViewRestriction):
        transaction.on_commit(partial(settle, everything=True))
    elif _tracked(sender):
        before = getattr(instance, "_images_used_before_save", set())
        transaction.on_commit(partial(settle, images=before, refresh=(sender, instance.pk)))


@receiver(post_delete, sender=PageViewRestriction)
def _settle_after_restriction_lifted(sender, instance, **kwargs) -> None:
    transaction.on_commit(partial(settle, everything=True))


@receiver(pre_delete)
def _settle_after_delete(sender, instance, **kwargs) -> None:
    if _tracked(sender):
        transaction.on_commit(partial(settle, images=images_used_by(sender, [instance.pk])))


@receiver(post_page_move)
def _settle_after_move(sender, instance, **kwargs) -> None:
    transaction.on_commit(partial(settle, everything=True))
