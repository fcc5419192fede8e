"""The checking views for image files the web server must not hand out by itself: original
images (`<CHECKED_MEDIA_URL>original_images/<name>`) and the renditions of images not yet public
(`<CHECKED_MEDIA_URL>protected_images/<image id>/<name>`).

Whoever may see the image (knowledge/publishing/visibility.py) gets the file; anyone else a 404,
as for a file that does not exist. Django streams the file itself, or with MEDIA_X_ACCEL_REDIRECT
set hands it to nginx (`X-Accel-Redirect` to an `internal` location), so a worker spends a few
milliseconds on the decision and none on the bytes.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

from .storage import ORIGINALS, PROTECTED_RENDITIONS
from .visibility import in_a_partnership_collection, may_see


def _checked_image(request, **lookup):
    image = get_image_model().objects.filter(**lookup).first()
    if image is None or not may_see(request.user, image):
        raise Http404("No image here.")
    return image


def _send(file: FieldFile, *, shared: bool) -> HttpResponse:
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    prefix = settings.MEDIA_X_ACCEL_REDIRECT
    try:
        file.path  # noqa: B018 (X-Accel-Redirect only for files on this machine)
        local = True
    except NotImplementedError:
        local = False
    if prefix and local:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(file.name)
    else:
        response = FileResponse(file.storage.open(file.name, "rb"), content_type=content_type)
    # The alliance's own images may be kept by shared caches; a partnership's may stop being
    # public at its next unpublication, and whether it is depends on who asks.
    response["Cache-Control"] = "public, max-age=3600" if shared else "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def original_image(request, name: str) -> HttpResponse:
    image = _checked_image(request, file=ORIGINALS + name)
    return _send(image.file, shared=not in_a_partnership_collection(image))


@require_safe
def protected_rendition(request, image_id: int, name: str) -> HttpResponse:
    image = _checked_image(request, pk=image_id)
    rendition = image.renditions.filter(file=f"{PROTECTED_RENDITIONS}{image_id}/{name}").first()
    if rendition is None:
        # Moved to the public folder since this address was handed out (another process may
        # still have it in its rendition cache).
        moved = image.renditions.filter(file__endswith=f"/{name}").first()
        if moved is None:
            raise Http404("No image here.")
        return redirect(moved.url)
    return _send(rendition.file, shared=False)
