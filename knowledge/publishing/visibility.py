"""Who may see a partnership's uploads: one rule for its images and documents.

An upload in a partnership's collection (or a folder under it) is public once a live page without
view restrictions uses it, in Wagtail's reference index: a listing image, a body block, an
attachment, or through a snippet the page shows (a testimonial speaker's photo). Until then only
those who may choose or change it see it: the partnership's partners and the alliance's editors.
Uploads elsewhere (the alliance's own collections) are public as before.

Written as query filters so that listings (the API) apply it in the database, not row by row.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, Exists, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.models import Collection, Page, ReferenceIndex
from wagtail.permissions import policy_registry

from ..models import PartnerGroup

MAY_SEE = ["choose", "change"]


def partnership_collection_ids() -> list[int]:
    """Every partnership's collection and the folders under it."""
    under_a_partnership = Q()
    for path in PartnerGroup.objects.values_list("collection__path", flat=True):
        under_a_partnership |= Q(path__startswith=path)
    if not under_a_partnership:
        return []
    return list(Collection.objects.filter(under_a_partnership).values_list("pk", flat=True))


def _live_public_pages() -> QuerySet:
    """Ids of live pages outside private sections, as the reference index writes them (text)."""
    return Page.objects.live().public().values(key=Cast("pk", output_field=CharField()))


def used_by_live_public_pages(model: type[Model]) -> QuerySet:
    """Ids of the `model` objects a live public page refers to, directly or through a snippet it
    refers to (never through another page: a live page linking to a draft shows none of it)."""
    page_type = ContentType.objects.get_for_model(Page)
    pages = _live_public_pages()
    shown_by_a_page = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        object_id__in=pages,
        to_content_type=OuterRef("base_content_type"),
        to_object_id=OuterRef("object_id"),
    )
    from_a_page = Q(base_content_type=page_type, object_id__in=pages)
    through_a_snippet = ~Q(base_content_type=page_type) & Exists(shown_by_a_page)
    return (
        ReferenceIndex.objects.filter(to_content_type=ContentType.objects.get_for_model(model))
        .filter(from_a_page | through_a_snippet)
        .values(target=Cast("to_object_id", output_field=BigIntegerField()))
    )


def public_q(model: type[Model]) -> Q:
    """The uploads of `model` (images or documents) anyone may list, read and download."""
    return ~Q(collection_id__in=partnership_collection_ids()) | Q(pk__in=used_by_live_public_pages(model))


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """The uploads of `queryset` the user may see: the public ones and those they may choose."""
    visible = public_q(queryset.model)
    if user.is_authenticated:
        policy = policy_registry.get_by_type(queryset.model)
        visible |= Q(pk__in=policy.instances_user_has_any_permission_for(user, MAY_SEE).values("pk"))
    return queryset.filter(visible)


def in_a_partnership_collection(upload: Model) -> bool:
    return upload.collection_id in partnership_collection_ids()


def is_public(upload: Model) -> bool:
    if not in_a_partnership_collection(upload):
        return True
    return type(upload)._default_manager.filter(pk=upload.pk).filter(public_q(type(upload))).exists()


def may_see(user, upload: Model) -> bool:
    if is_public(upload):
        return True
    policy = policy_registry.get_by_type(type(upload))
    return policy.user_has_any_permission_for_instance(user, MAY_SEE, upload)
