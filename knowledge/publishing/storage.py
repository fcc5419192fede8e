"""Where an uploaded image's files are addressed.

Original images (`original_images/`) and the renditions of images not yet public
(`protected_images/<image id>/`) are served only by the site's checking views
(knowledge/publishing/media.py), so their URLs point at the site even when the other files live
elsewhere (an absolute MEDIA_URL, object storage). Renditions in `images/` are plain public files.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri

ORIGINALS = "original_images/"
PROTECTED_RENDITIONS = "protected_images/"
PUBLIC_RENDITIONS = "images/"
CHECKED = (ORIGINALS, PROTECTED_RENDITIONS)


def checked_url(name: str) -> str:
    return settings.CHECKED_MEDIA_URL + filepath_to_uri(name)


class CheckedURLsMixin:
    def url(self, name):
        if name and name.startswith(CHECKED):
            return checked_url(name)
        return super().url(name)


class CheckedMediaStorage(CheckedURLsMixin, FileSystemStorage):
    """The media folder on this machine (STORAGES["default"])."""
