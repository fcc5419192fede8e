"""What partners may upload: the admin's image and document forms, with checks Wagtail lacks.

Wagtail checks an upload's extension, its size and (for images) its pixel count. Two gaps remain:

- Images: Wagtail measures an image by decoding it completely (Willow opens it with Pillow and
  calls load()), so a small PNG that inflates to a huge bitmap costs its full size in memory
  before the pixel limit is checked; Pillow only stops at twice its own, higher limit. The
  image form here reads the header first and refuses oversized images before anything is decoded.
- Documents: nothing looks inside the file, so an HTML page renamed ``report.pdf`` is stored and
  served. The document form here checks that the content is what the extension says.

Both forms are plugged in with ``WAGTAILIMAGES_IMAGE_FORM_BASE`` and
``WAGTAILDOCS_DOCUMENT_FORM_BASE`` (see the "Uploads" block of config/settings/base.py), so the
add, edit and multiple-upload views all use them.
"""

import os
import re
import struct
import warnings
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Images ----------------------------------------------------------------------------------------

# What Pillow raises on a file it recognised but cannot decode (truncated, corrupt): Wagtail lets
# these escape as a server error when they happen while it measures the image.
UNDECODABLE = (OSError, SyntaxError, ValueError, EOFError, struct.error, PILImage.DecompressionBombError)


class HeaderCheckedImageField(WagtailImageField):
    """Wagtail's image field, refusing images with too many pixels from their header alone and
    turning undecodable files into a form error."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            self.check_header_pixels(data)
        try:
            return super().to_python(data)
        except UNDECODABLE as error:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error

    def check_header_pixels(self, data) -> None:
        if self.max_image_pixels is None:
            return
        try:
            with warnings.catch_warnings():
                # Pillow warns between its limit and twice it; ours is lower and checked below.
                warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
                width, height = PILImage.open(data).size  # reads the header only: nothing decoded
        except PILImage.DecompressionBombError:
            self.refuse_pixels(_("unknown number"))
        except Exception:  # not an image Pillow knows: Wagtail's own check says so
            return
        finally:
            data.seek(0)
        if width * height > self.max_image_pixels:
            self.refuse_pixels(width * height)

    def refuse_pixels(self, count) -> None:
        raise ValidationError(
            self.error_messages["file_too_many_pixels"]
            % {"num_pixels": count, "max_pixels_count": self.max_image_pixels},
            code="file_too_many_pixels",
        )


class ImageForm(BaseImageForm):
    """The admin's image form (add, edit, multiple upload) with the header-first pixel check."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            field = self.fields["file"]
            self.fields["file"] = HeaderCheckedImageField(
                label=field.label, required=field.required, widget=field.widget
            )


# Documents -------------------------------------------------------------------------------------

DOCUMENT_KINDS = {
    "pdf": _("a PDF document"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "pptx": _("a PowerPoint presentation"),
    "odt": _("an OpenDocument text"),
    "ods": _("an OpenDocument spreadsheet"),
    "odp": _("an OpenDocument presentation"),
    "csv": _("a CSV file"),
    "txt": _("a plain text file"),
}
# Office Open XML: the part every file of the type has.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
# Real office files have dozens of parts, not thousands: a cap keeps reading the zip's directory cheap.
MAX_ZIP_ENTRIES = 5_000
HEAD = 8192
# What browsers sniff as markup at the start of a file (WHATWG MIME sniffing): a text file that
# begins like a web page is one, whatever its extension says.
MARKUP_START = re.compile(rb"^(?:\xef\xbb\xbf)?[\s]*<(?:[!?/]|[a-z])", re.IGNORECASE)

MISMATCH = _(
    "The content of this file does not match its .%(extension)s extension: it is not %(kind)s. "
    "Export it again as %(kind)s from the program that made it, or choose the right file."
)
MACROS = _(
    "This file contains macros, which could run on readers' computers. Save it again without "
    "macros (as .docx, .xlsx, .pptx or OpenDocument) and upload that."
)
MARKUP = _(
    "This file contains web page code (HTML, SVG or XML), not plain text. Save the page as PDF, "
    "or upload the text itself."
)


class DocumentContentError(Exception):
    """The document's content is not what its extension says (or carries macros)."""


def _zip_entry_count(upload) -> int:
    """How many entries the zip's end-of-central-directory record announces (-1: not a zip)."""
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    tail_length = min(size, 22 + 65_535)  # the record, then at most a 64 KiB comment
    upload.seek(size - tail_length)
    tail = upload.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return -1
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]


# Reading a zip the partner made can fail in many ways (bad offsets, corrupt deflate data,
# encryption, unknown compression): each means the file is not a document we can vouch for.
def _zip_names(upload) -> list[str]:
    count = _zip_entry_count(upload)
    if count < 0 or count > MAX_ZIP_ENTRIES:
        raise DocumentContentError("not an office zip")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except Exception as error:
        raise DocumentContentError("unreadable zip") from error


def _read_member_head(upload, name: str, length: int) -> bytes:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive, archive.open(name) as member:
            return member.read(length)
    except Exception as error:
        raise DocumentContentError("unreadable member") from error


def _check(upload, extension: str) -> str | None:
    """None when the content fits the extension, else the reason to show."""
    upload.seek(0)
    head = upload.read(HEAD)
    if extension == "pdf":
        # The spec allows a little junk before the header; readers look in the first kilobyte.
        return None if b"%PDF-" in head[:1024] else MISMATCH
    if extension in OOXML_MAIN_PART:
        if not head.startswith(b"PK\x03\x04"):
            return MISMATCH
        names = _zip_names(upload)
        if "[Content_Types].xml" not in names or OOXML_MAIN_PART[extension] not in names:
            return MISMATCH
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            return MACROS
        return None
    if extension in ODF_MIMETYPE:
        if not head.startswith(b"PK\x03\x04"):
            return MISMATCH
        names = _zip_names(upload)
        if "mimetype" not in names:
            return MISMATCH
        if _read_member_head(upload, "mimetype", 100).strip() != ODF_MIMETYPE[extension]:
            return MISMATCH
        if any(name.startswith(("Basic/", "Scripts/")) for name in names):
            return MACROS
        return None
    if extension in ("csv", "txt"):
        if MARKUP_START.match(head):
            return MARKUP
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        # A known binary signature (image, archive, executable, PDF...) or NUL bytes: not text.
        if filetype.guess(head) is not None or (b"\x00" in head and not utf16):
            return MISMATCH
        return None
    return None  # an extension Wagtail refuses anyway (WAGTAILDOCS_EXTENSIONS)


def check_document_content(upload) -> None:
    """Raise ValidationError unless the uploaded file's content matches its extension."""
    extension = os.path.splitext(upload.name)[1][1:].lower()
    if extension not in DOCUMENT_KINDS:
        return
    try:
        reason = _check(upload, extension)
    except DocumentContentError:
        reason = MISMATCH
    finally:
        upload.seek(0)
    if reason is not None:
        raise ValidationError(
            reason, code="document_content", params={"extension": extension, "kind": DOCUMENT_KINDS[extension]}
        )


class DocumentForm(BaseDocumentForm):
    """The admin's document form (add, edit, multiple upload) with the content check."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # not the stored file an edit without a new upload keeps
            check_document_content(upload)
        return upload
