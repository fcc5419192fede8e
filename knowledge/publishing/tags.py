"""The admin's tag autocomplete, limited to the tags a user has seen or may see.

Wagtail's own view (wagtail.admin.views.tags.autocomplete) answers every tag in the site to any
admin user, so a partner typing a few letters read the tags other partnerships typed on their
drafts and private items. Tags are one shared table (taggit's Tag) used by items, images and
documents; an editor who publishes gets them all, anyone else the tags of live public items and
of what they may edit: their partnership's pages and their own uploads.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from taggit.models import Tag, TaggedItem
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import KnowledgeItemTag
from .hardening import media_visible_to, user_publishes_pages


def tags_visible_to(user, tags: QuerySet) -> QuerySet:
    if user.is_superuser or user_publishes_pages(user):
        return tags
    public_pages = Page.objects.live().public().values("pk")
    writable = Q(pk__in=[])
    for grant in PagePermissionPolicy().get_cached_permissions_for_user(user):
        writable |= Q(path__startswith=grant.page.path)
    own_pages = Page.objects.filter(writable).values("pk")
    on_pages = KnowledgeItemTag.objects.filter(Q(content_object__in=public_pages) | Q(content_object__in=own_pages))
    on_uploads = Q()
    for model in (get_image_model(), get_document_model()):
        on_uploads |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=media_visible_to(user, model).values("pk"),
        )
    return tags.filter(Q(pk__in=on_pages.values("tag")) | Q(pk__in=TaggedItem.objects.filter(on_uploads).values("tag")))


@require_admin_access
def autocomplete(request: HttpRequest, app_name: str | None = None, model_name: str | None = None) -> JsonResponse:
    """Wagtail's view, answering the same JSON list for the tags the user may see. This site has
    one tag model (taggit's Tag): the per-model URL answers for it and is 404 for any other."""
    if (app_name, model_name) not in ((None, None), ("taggit", "tag")):
        raise Http404
    term = request.GET.get("term", None)
    tags = Tag.objects.none()
    if term:
        tags = tags_visible_to(request.user, Tag.objects.filter(name__istartswith=term))
    names = tags.order_by("name").values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    return JsonResponse(list(names), safe=False)
