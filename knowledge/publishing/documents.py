"""A partnership's uploaded documents stay private until a published page uses them.

Wagtail serves any document to anyone who has its id and file name, so a draft case study's
attachment in a partnership's collection would be public the moment it was uploaded. The rule is
the one every partnership upload follows (knowledge/publishing/visibility.py); documents elsewhere
(the alliance's own collections) are served as before.
"""

from django.http import Http404

from .visibility import may_see


def serve_partnership_documents_once_published(document, request):
    """The before_serve_document hook: a 404 (which does not confirm the document exists) for a
    partnership's document no published page uses, unless the user may choose or edit it."""
    if not may_see(request.user, document):
        raise Http404("No document here.")
