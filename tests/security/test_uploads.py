"""Uploads: what a partner may store through the admin, and how it is served back.

Every file is built here (Pillow, zipfile, bytes) and goes through the real admin views a partner
uses: /admin/images/add/, /admin/images/multiple/add/, /admin/documents/add/ and
/admin/documents/multiple/add/. A refused file shows the partner a form error (never a server
error) and leaves nothing behind: no image, no document, no pending upload, no file in storage.
"""

import importlib.util
import io
import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, UploadedFile

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ("single", "multiple")


# Files ------------------------------------------------------------------------------------------


def picture(fmt: str, size=(120, 80), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, (200, 60, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes) -> bytes:
    """An RGBA PNG whose header says width x height, with the given compressed pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def zero_png(width: int, height: int, *, truncated: bool = False) -> bytes:
    """A valid RGBA PNG of transparent pixels: a few hundred KB that decode to width*height*4 bytes.
    The zlib stream repeats one fully flushed deflate segment, so building it costs no inflation.
    Truncated, it holds one row of data: a header's claim and little else."""
    row = b"\0" * (width * 4 + 1)
    if truncated:
        return png(width, height, zlib.compress(row))
    rows_per_segment = max(1, (16 << 20) // len(row))
    segment_rows = row * rows_per_segment
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = deflate.compress(segment_rows) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeats, rest = divmod(height, rows_per_segment)
    tail = deflate.compress(row * rest) + deflate.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(repeats):
        adler = zlib.adler32(segment_rows, adler)
    adler = zlib.adler32(row * rest, adler)
    return png(width, height, b"\x78\xda" + segment * repeats + tail + struct.pack(">I", adler))


def huge_gif() -> bytes:
    """A 40-byte GIF whose logical screen and only frame claim 65535 x 65535 pixels."""
    return (
        b"GIF89a"
        + struct.pack("<HH", 65535, 65535)
        + b"\x00\x00\x00"
        + b","
        + struct.pack("<HHHH", 0, 0, 65535, 65535)
        + b"\x00\x02\x02\x4c\x01\x00;"
    )


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(\'XSS\')">'
    b"<script>window.__xss = 1</script><rect width='10' height='10'/></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert('XSS')</script></body></html>"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def office_zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), members[stored_first], zipfile.ZIP_STORED)
        for name, content in members.items():
            if name != stored_first:
                archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(*, macros: bool = False) -> bytes:
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w/>"}
    if macros:
        members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0macro"
    return office_zip(members)


def pptx() -> bytes:
    return office_zip({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"})


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Ward", "Compliance"])
    workbook.active.append(["Surgery", 0.74])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def opendocument(mimetype: str, *, macros: bool = False) -> bytes:
    members = {
        "mimetype": mimetype.encode(),
        "content.xml": b"<office:document-content/>",
        "META-INF/manifest.xml": b"<m/>",
    }
    if macros:
        members["Basic/Standard/Module1.xml"] = b"<script:module/>"
    return office_zip(members, stored_first="mimetype")


def corrupt_opendocument(mimetype: str) -> bytes:
    """An OpenDocument zip whose (compressed) mimetype member holds broken deflate data."""
    data = bytearray(office_zip({"mimetype": mimetype.encode() * 3, "content.xml": b"<x/>"}))
    data[38:48] = b"\xff" * 10  # just past the first local header and its name
    return bytes(data)


ODT, ODS, ODP = (f"application/vnd.oasis.opendocument.{kind}" for kind in ("text", "spreadsheet", "presentation"))


# The partner and their views ------------------------------------------------------------------


@pytest.fixture
def partner(partnership, django_user_model, client):
    user = django_user_model.objects.create_user("awa", "awa@example.org", "pw")
    user.groups.add(partnership.partner_group.group)
    client.force_login(user)
    return user


@pytest.fixture
def collection(partnership):
    return partnership.partner_group.collection


def stored_files() -> set[str]:
    return {
        str(path.relative_to(settings.MEDIA_ROOT)) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()
    }


def upload(client, collection, model: str, view: str, name: str, content: bytes) -> tuple[bool, str]:
    """Upload as the partner does; (accepted, what the partner reads)."""
    app = "wagtailimages" if model == "image" else "wagtaildocs"
    file = SimpleUploadedFile(name, content)
    if view == "single":
        response = client.post(
            reverse(f"{app}:add"), {"title": f"Upload {name}", "collection": collection.pk, "file": file}
        )
        assert response.status_code in (200, 302), response.status_code
        return response.status_code == 302, field_errors(response)
    response = client.post(
        reverse(f"{app}:add_multiple"),
        {"files[]": file, "collection": collection.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.status_code
    data = response.json()
    return data["success"], data.get("error_message", "")


def field_errors(response) -> str:
    """The error messages the admin form shows under its fields, one a line."""
    if response.status_code != 200:
        return ""
    found = re.findall(r'<p class="error-message">\s*(.*?)\s*</p>', response.content.decode(), re.S)
    return "\n".join(unescape(message) for message in found)


@pytest.fixture
def nothing_stored(partner):
    """Asserts, after the test, that no image, document, pending upload or file was left."""
    before = (Image.objects.count(), Document.objects.count(), UploadedFile.objects.count(), stored_files())
    yield
    after = (Image.objects.count(), Document.objects.count(), UploadedFile.objects.count(), stored_files())
    assert after == before


# Images -----------------------------------------------------------------------------------------

NOT_A_VALID_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
UNSUPPORTED_IMAGE = "Not a supported image format. Supported formats: GIF, JPG, JPEG, PNG, WEBP."
TOO_MANY_PIXELS = "This file has too many pixels"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("diagram.svg", SVG_WITH_SCRIPT, UNSUPPORTED_IMAGE),
        ("page.html", HTML_PAGE, UNSUPPORTED_IMAGE),
        ("photo.jpg", HTML_PAGE, "Not a valid .jpeg image. The extension does not match the file format (svg)"),
        ("notes.jpg", b"Minutes of the steering committee, 12 May.\n", NOT_A_VALID_IMAGE),
        ("diagram.png", SVG_WITH_SCRIPT, "Not a valid .png image. The extension does not match the file format (svg)"),
        ("chart.gif", picture("PNG"), "Not a valid .gif image. The extension does not match the file format (png)"),
        ("photo.png", picture("JPEG"), "Not a valid .png image. The extension does not match the file format (jpeg)"),
        ("scan.tiff", picture("TIFF"), UNSUPPORTED_IMAGE),
        # Tiny files whose headers claim more pixels than allowed: refused from the header.
        ("claims.png", zero_png(13_000, 13_000, truncated=True), TOO_MANY_PIXELS),
        ("claims.gif", huge_gif(), TOO_MANY_PIXELS),
        ("just-over.png", zero_png(6_000, 4_200, truncated=True), "This file has too many pixels (25200000)"),
        # A header within the limit and broken pixel data: unreadable, and not a server error.
        ("corrupt.png", png(2_000, 1_500, b"\x78\x9c" + b"\xff" * 200), NOT_A_VALID_IMAGE),
        ("cut.png", png(2_000, 1_500, zero_png(2_000, 1_500)[41:8_000]), NOT_A_VALID_IMAGE),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_a_partner_cannot_upload_a_file_that_is_not_an_allowed_image(
    client, collection, nothing_stored, view, name, content, message
):
    accepted, seen = upload(client, collection, "image", view, name, content)
    assert not accepted
    assert message in seen


def _peak_rss_kib() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak becomes the current size
    except OSError:
        return False
    return True


@pytest.mark.parametrize("view", VIEWS)
def test_a_decompression_bomb_is_refused_without_decoding_it(client, collection, nothing_stored, view):
    # 657 KB of PNG that decodes to 13000 x 13000 RGBA pixels: 676 MB. Under Pillow's own hard
    # limit (2 x 89.5 M pixels), so only our header check stops Wagtail from decoding all of it.
    bomb = zero_png(13_000, 13_000)
    assert len(bomb) < 1_000_000
    if not _reset_peak_rss():
        pytest.skip("peak memory is measured with /proc/self/clear_refs (Linux)")
    before = _peak_rss_kib()
    accepted, seen = upload(client, collection, "image", view, "poster.png", bomb)
    growth_mib = (_peak_rss_kib() - before) / 1024
    print(f"decompression bomb through the {view} upload view: peak memory grew by {growth_mib:.1f} MiB")
    assert not accepted
    assert "This file has too many pixels (169000000). Maximum pixels 25000000." in seen
    assert growth_mib < 64, f"peak memory grew by {growth_mib:.0f} MiB"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "name, content",
    [
        ("ward.png", picture("PNG", mode="RGBA")),
        ("ward.jpg", picture("JPEG")),
        ("ward.jpeg", picture("JPEG")),
        ("ward.gif", picture("GIF")),
        ("ward.webp", picture("WEBP")),
        ("poster.png", zero_png(5_000, 5_000)),  # exactly the limit: 25 megapixels
    ],
)
def test_a_partner_uploads_real_images_into_their_collection(client, collection, partner, view, name, content):
    accepted, seen = upload(client, collection, "image", view, name, content)
    assert accepted, seen
    image = Image.objects.get()
    assert image.collection == collection and image.uploaded_by_user == partner
    assert image.file.name.startswith("original_images/")


# Documents --------------------------------------------------------------------------------------

ALLOWED_DOCUMENTS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]


def not_allowed(extension: str) -> str:
    return f"File extension “{extension}” is not allowed. Allowed extensions are: {', '.join(ALLOWED_DOCUMENTS)}."


def mismatch(extension: str, kind: str) -> str:
    return f"The content of this file does not match its .{extension} extension: it is not {kind}."


MACROS = "This file contains macros, which could run on readers' computers."
MARKUP = "This file contains web page code (HTML, SVG or XML), not plain text."


def test_the_allowed_document_types_are_the_ones_with_a_content_check():
    from knowledge.uploads import DOCUMENT_KINDS

    assert settings.WAGTAILDOCS_EXTENSIONS == ALLOWED_DOCUMENTS
    assert set(DOCUMENT_KINDS) == set(settings.WAGTAILDOCS_EXTENSIONS)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("diagram.svg", SVG_WITH_SCRIPT, not_allowed("svg")),
        ("page.html", HTML_PAGE, not_allowed("html")),
        ("page.htm", HTML_PAGE, not_allowed("htm")),
        ("feed.xml", b"<?xml version='1.0'?><x/>", not_allowed("xml")),
        ("bundle.zip", office_zip({"a.html": HTML_PAGE}), not_allowed("zip")),
        ("letter.rtf", b"{\\rtf1\\ansi hello}", not_allowed("rtf")),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, not_allowed("doc")),
        ("setup.exe", b"MZ\x90\x00" + b"\0" * 60, not_allowed("exe")),
        ("report.pdf", HTML_PAGE, mismatch("pdf", "a PDF document")),
        ("report.pdf", picture("PNG"), mismatch("pdf", "a PDF document")),
        ("report.docx", picture("PNG"), mismatch("docx", "a Word document")),
        ("report.docx", office_zip({"index.html": HTML_PAGE}), mismatch("docx", "a Word document")),
        ("report.docx", docx(macros=True), MACROS),
        ("figures.xlsx", docx(), mismatch("xlsx", "an Excel workbook")),
        ("slides.pptx", PDF, mismatch("pptx", "a PowerPoint presentation")),
        ("report.odt", opendocument(ODS), mismatch("odt", "an OpenDocument text")),
        ("report.odt", opendocument(ODT, macros=True), MACROS),
        ("report.odt", corrupt_opendocument(ODT), mismatch("odt", "an OpenDocument text")),
        ("figures.ods", HTML_PAGE, mismatch("ods", "an OpenDocument spreadsheet")),
        ("slides.odp", office_zip({"content.xml": b"<x/>"}), mismatch("odp", "an OpenDocument presentation")),
        ("notes.txt", HTML_PAGE, MARKUP),
        ("notes.txt", b"  \n<script>alert('XSS')</script>", MARKUP),
        ("data.csv", SVG_WITH_SCRIPT, MARKUP),
        ("data.csv", picture("PNG"), mismatch("csv", "a CSV file")),
        ("notes.txt", PDF, mismatch("txt", "a plain text file")),
        ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00binary", mismatch("txt", "a plain text file")),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_a_partner_cannot_upload_a_document_whose_content_is_not_its_type(
    client, collection, nothing_stored, view, name, content, message
):
    accepted, seen = upload(client, collection, "document", view, name, content)
    assert not accepted
    assert message in seen


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", PDF),
        ("report.PDF", b"\n\n" + PDF),  # a little junk before the header, as readers allow
        ("report.docx", docx()),
        ("figures.xlsx", xlsx()),
        ("slides.pptx", pptx()),
        ("report.odt", opendocument(ODT)),
        ("figures.ods", opendocument(ODS)),
        ("slides.odp", opendocument(ODP)),
        ("data.csv", b"ward;compliance\nchirurgie;74 %\n"),
        ("data.csv", b"\xef\xbb\xbfward,compliance\nsurgery,0.74\n"),
        ("notes.txt", "Réunion du comité : 12 mai. a < b".encode("cp1252")),
        ("notes.txt", "\ufeffUTF-16 notes".encode("utf-16")),
    ],
)
def test_a_partner_uploads_real_documents_into_their_collection(client, collection, partner, view, name, content):
    accepted, seen = upload(client, collection, "document", view, name, content)
    assert accepted, seen
    document = Document.objects.get()
    assert document.collection == collection and document.uploaded_by_user == partner


def test_replacing_a_documents_file_is_checked_too(client, collection, partner):
    assert upload(client, collection, "document", "single", "report.pdf", PDF)[0]
    document = Document.objects.get()
    response = client.post(
        reverse("wagtaildocs:edit", args=(document.pk,)),
        {"title": document.title, "collection": collection.pk, "file": SimpleUploadedFile("report.pdf", HTML_PAGE)},
    )
    assert response.status_code == 200
    assert mismatch("pdf", "a PDF document") in field_errors(response)
    document.refresh_from_db()
    with document.file.open() as stored:
        assert stored.read() == PDF


def test_replacing_an_images_file_is_checked_too(client, collection, partner):
    assert upload(client, collection, "image", "single", "ward.png", picture("PNG"))[0]
    image = Image.objects.get()
    response = client.post(
        reverse("wagtailimages:edit", args=(image.pk,)),
        {
            "title": image.title,
            "collection": collection.pk,
            "file": SimpleUploadedFile("ward.png", zero_png(13_000, 13_000)),
        },
    )
    assert response.status_code == 200
    assert TOO_MANY_PIXELS in field_errors(response)
    image.refresh_from_db()
    assert (image.width, image.height) == (120, 80)


# Serving ----------------------------------------------------------------------------------------


def _urlconf(name: str, serve_media: bool) -> str:
    """config/urls.py loaded afresh as module `name` with SERVE_MEDIA as given (it reads it at import)."""
    with override_settings(SERVE_MEDIA=serve_media):
        spec = importlib.util.spec_from_file_location(name, ROOT / "config" / "urls.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return name


@pytest.fixture
def uploaded(client, collection, partner):
    assert upload(client, collection, "document", "single", "report.pdf", PDF)[0]
    assert upload(client, collection, "document", "single", "data.csv", b"ward,compliance\n")[0]
    assert upload(client, collection, "image", "single", "ward.png", picture("PNG"))[0]
    client.logout()
    return {
        "pdf": Document.objects.get(file__endswith=".pdf"),
        "csv": Document.objects.get(file__endswith=".csv"),
        "image": Image.objects.get(),
    }


@pytest.mark.parametrize("serve_media", [True, False], ids=["SERVE_MEDIA=true", "production default"])
def test_documents_are_served_only_through_wagtails_view(client, uploaded, serve_media, partner):
    pdf, csv, image = uploaded["pdf"], uploaded["csv"], uploaded["image"]
    name = f"tests.security._urls_serve_media_{serve_media}"
    try:
        with override_settings(ROOT_URLCONF=_urlconf(name, serve_media)):
            clear_url_caches()
            assert pdf.url == f"/documents/{pdf.pk}/{pdf.filename}"
            assert client.get(settings.MEDIA_URL + pdf.file.name).status_code == 404
            assert client.get(settings.MEDIA_URL + csv.file.name).status_code == 404
            # Public renditions are plain files Django serves only with SERVE_MEDIA (else the web
            # server in front does); originals always go through the checking view, which gives
            # a partnership's unused image to no one else (test_partnership_images.py).
            logo = Image.objects.create(
                title="Alliance logo", collection=Collection.get_first_root_node(), file=get_test_image_file()
            )
            public_rendition = logo.get_rendition("max-100x100")
            assert client.get(public_rendition.url).status_code == (200 if serve_media else 404)
            assert client.get(logo.file.url).status_code == 200
            assert image.file.url == settings.MEDIA_URL + image.file.name
            assert client.get(image.file.url).status_code == 404

            # Unused partnership documents are served to those who may choose them (and to the
            # public once a published page uses them: test_partnership_documents.py).
            client.force_login(partner)
            assert client.get(image.file.url).status_code == 200
            response = client.get(pdf.url)
            assert response.status_code == 200
            assert response["Content-Disposition"].startswith("inline")  # PDFs open in the browser...
            assert response["Content-Security-Policy"] == "default-src 'none'"
            assert response["X-Content-Type-Options"] == "nosniff"
            response = client.get(csv.url)
            assert response["Content-Disposition"].startswith("attachment")  # ...everything else downloads
            assert response["Content-Security-Policy"] == "default-src 'none'"
    finally:
        sys.modules.pop(name, None)
        clear_url_caches()


def test_production_serves_no_media_from_django_and_documents_through_the_view():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.SERVE_MEDIA, s.WAGTAILDOCS_SERVE_METHOD, s.WAGTAILDOCS_INLINE_CONTENT_TYPES, "
            "s.WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT, s.SECURE_CONTENT_TYPE_NOSNIFF]))",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "k3Y-x7Qz9!vB2#nM5$pL8&rT1*wE4^yU6(iO0)aS3_dF-long-enough-for-the-check",
            "ALLOWED_HOSTS": "hub.example.org",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [False, "serve_view", ["application/pdf"], True, True]
