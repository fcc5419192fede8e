"""A partnership's uploaded documents stay private until a published page uses them.

Wagtail serves any document to anyone who has its id and file name, so a draft case study's
attachment in a partnership's collection would be public the moment it was uploaded. Documents
elsewhere (the alliance's own collections) are served as before.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from ..models import PartnerGroup


def used_by_a_published_page(document) -> bool:
    """Whether a live page without view restrictions refers to the document (Wagtail's reference
    index: body blocks and attachments alike)."""
    pages = ReferenceIndex.get_references_to(document).filter(base_content_type=ContentType.objects.get_for_model(Page))
    ids = [int(pk) for pk in pages.values_list("object_id", flat=True)]
    return bool(ids) and Page.objects.live().public().filter(pk__in=ids).exists()


def serve_partnership_documents_once_published(document, request):
    """The before_serve_document hook: a 404 (which does not confirm the document exists) for a
    partnership's document no published page uses, unless the user may choose or edit it."""
    if not PartnerGroup.objects.filter(collection_id=document.collection_id).exists():
        return None
    if used_by_a_published_page(document):
        return None
    policy = policy_registry.get_by_type(get_document_model())
    if policy.user_has_any_permission_for_instance(request.user, ["choose", "change"], document):
        return None
    raise Http404("No document here.")
