"""A partnership's images follow the documents' rule: listed by the API, described, and their
original file and renditions served only once a live public page uses them, or to those who may
choose them. Real Pillow images, stored and served through the real URL configuration."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import override_settings
from wagtail.images.models import Image, Rendition
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, PageViewRestriction

from knowledge.publishing.alliance import ALLIANCE_EDITORS
from tests.factories import PersonFactory, make_case_study, make_partnership, make_testimonial

CARD = "fill-480x270|format-webp"  # the library's cards (templates/includes/item_card.html)


@pytest.fixture
def partnerships(library):
    return (
        make_partnership(library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML"),
        make_partnership(library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu", south_country="KE"),
    )


@pytest.fixture
def people(django_user_model, partnerships):
    a, b = partnerships

    def user_in(name, group):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
        user.groups.add(group)
        return user

    return {
        "partner_a": user_in("awa", a.partner_group.group),
        "partner_b": user_in("brian", b.partner_group.group),
        "editor": user_in("elena", Group.objects.get(name=ALLIANCE_EDITORS)),
    }


def upload(collection, name="ward-scan.png", title="Ward scan") -> Image:
    return Image.objects.create(
        title=title, collection=collection, file=get_test_image_file(name, colour="red", size=(640, 480))
    )


def get(client, url, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if response.status_code == 200 and response.streaming:
        response.body = b"".join(response.streaming_content)
    elif response.status_code == 200:
        response.body = response.content
    return response


def figure(image) -> list[dict]:
    return [
        {"type": "paragraph", "value": "<p>The ward after the audit.</p>"},
        {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "A ward", "decorative": False}}},
    ]


def stored(name: str) -> bool:
    return (Path(settings.MEDIA_ROOT) / name).exists()


def api_ids(client, endpoint="images", user=None) -> list[int]:
    response = get(client, f"/api/v2/{endpoint}/", user)
    assert response.status_code == 200
    return [item["id"] for item in response.json()["items"]]


# The API ---------------------------------------------------------------------------------------


def test_the_api_neither_lists_nor_describes_a_draft_only_image(client, partnerships, people):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    make_case_study(a, title="Ward scan in draft", image=image, live=False)

    for user in (None, people["partner_b"]):
        assert image.pk not in api_ids(client, user=user)
        assert get(client, f"/api/v2/images/{image.pk}/", user).status_code == 404
        assert get(client, f"/api/v2/images/find/?id={image.pk}", user).status_code == 404
    # Those who may choose it still see it.
    for user in (people["partner_a"], people["editor"]):
        assert image.pk in api_ids(client, user=user)


def test_the_api_lists_it_once_a_live_public_page_uses_it(client, partnerships):
    a, _b = partnerships
    listing, in_body = upload(a.partner_group.collection), upload(a.partner_group.collection, "figure.png")
    make_case_study(a, title="Ward scan published", image=listing, body=figure(in_body))

    assert {listing.pk, in_body.pk} <= set(api_ids(client))
    response = get(client, f"/api/v2/images/{in_body.pk}/")
    assert response.status_code == 200
    assert get(client, response.json()["meta"]["download_url"]).status_code == 200


def test_the_api_listing_costs_the_same_for_more_images(client, partnerships, queries_for):
    a, _b = partnerships
    for n in range(2):
        make_case_study(a, image=upload(a.partner_group.collection, f"used-{n}.png"))
        upload(a.partner_group.collection, f"unused-{n}.png")
    few = queries_for("/api/v2/images/")
    for n in range(2, 8):
        make_case_study(a, image=upload(a.partner_group.collection, f"used-{n}.png"))
        upload(a.partner_group.collection, f"unused-{n}.png")
    assert queries_for("/api/v2/images/") == few
    assert len(api_ids(client)) == 8


# The files -------------------------------------------------------------------------------------


def test_a_draft_only_images_files_are_served_to_its_partnership_and_editors_only(client, partnerships, people):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    make_case_study(a, title="Ward scan in draft", image=image, body=figure(image), live=False)
    original = image.file.url
    rendition = image.get_rendition(CARD)
    assert original == f"/media/{image.file.name}"

    for user in (None, people["partner_b"]):
        assert get(client, original, user).status_code == 404
        assert get(client, rendition.url, user).status_code == 404
        # Nor where Wagtail would have put it: the rendition's file is not in the public folder.
        assert get(client, f"/media/images/{Path(rendition.file.name).name}", user).status_code == 404
    assert not stored(f"images/{Path(rendition.file.name).name}")

    with image.file.open("rb") as file:
        original_bytes = file.read()
    for user in (people["partner_a"], people["editor"]):
        response = get(client, original, user)
        assert response.status_code == 200
        assert response.body == original_bytes
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Cache-Control"].startswith("private")
        response = get(client, rendition.url, user)
        assert response.status_code == 200
        assert response.body[8:12] == b"WEBP"


def test_the_same_image_becomes_public_once_a_live_public_page_uses_it(
    client, partnerships, people, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    page = make_case_study(a, title="Ward scan", image=image, live=False)
    seen_in_preview = image.get_rendition(CARD)  # the editor's preview made it while it was a draft
    assert get(client, seen_in_preview.url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()

    assert get(client, image.file.url).status_code == 200
    # Readers get the rendition as a plain file from the public folder...
    rendition = Image.objects.get(pk=image.pk).get_rendition(CARD)
    assert rendition.file.name.startswith("images/")
    response = get(client, rendition.url)
    assert response.status_code == 200
    assert response.body[8:12] == b"WEBP"
    # ...and an address handed out while it was a draft leads there too (another process may
    # still hold it in its rendition cache).
    assert get(client, seen_in_preview.url).status_code in (200, 302)
    assert get(client, seen_in_preview.url, people["partner_b"]).status_code in (200, 302)

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()

    assert get(client, image.file.url).status_code == 404
    assert get(client, rendition.url).status_code == 404
    assert not stored(rendition.file.name)
    hidden = Image.objects.get(pk=image.pk).get_rendition(CARD)
    assert get(client, hidden.url).status_code == 404
    assert get(client, hidden.url, people["partner_a"]).status_code == 200


def test_a_page_published_in_a_private_section_does_not_make_it_public(
    client, partnerships, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    page = make_case_study(a, title="Members only", body=figure(image))
    assert get(client, image.get_rendition(CARD).url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    assert get(client, image.file.url).status_code == 404
    assert get(client, Image.objects.get(pk=image.pk).get_rendition(CARD).url).status_code == 404
    assert image.pk not in api_ids(client)


def test_a_speakers_photo_is_public_with_the_testimonial_that_shows_it(client, partnerships):
    a, _b = partnerships
    photo = upload(a.partner_group.collection, "speaker.png")
    make_testimonial(a, title="A lab manager speaks", speaker=PersonFactory(photo=photo))

    page = get(client, next(p.url for p in a.get_children().live()))
    avatar = Image.objects.get(pk=photo.pk).get_rendition("fill-96x96|format-webp")
    assert avatar.url in page.content.decode()
    assert get(client, avatar.url).status_code == 200
    assert photo.pk in api_ids(client)


def test_the_alliances_own_images_are_served_as_before(client, partnerships):
    image = upload(Collection.get_first_root_node(), "logo.png", title="Alliance logo")
    assert get(client, image.file.url).status_code == 200
    rendition = image.get_rendition(CARD)
    assert rendition.file.name.startswith("images/")
    assert get(client, rendition.url).status_code == 200
    assert image.pk in api_ids(client)


# The admin -------------------------------------------------------------------------------------


def test_the_owning_partner_and_editors_still_see_and_choose_it_in_the_admin(client, partnerships, people):
    a, _b = partnerships
    image = upload(a.partner_group.collection, title="Ward scan in draft")
    make_case_study(a, title="Draft", image=image, live=False)

    for role in ("partner_a", "editor"):
        for url in ("/admin/images/", "/admin/images/chooser/", f"/admin/images/{image.pk}/"):
            response = get(client, url, people[role])
            assert response.status_code == 200, (role, url)
            assert "Ward scan in draft" in response.content.decode(), (role, url)
        thumbnail = Image.objects.get(pk=image.pk).get_rendition("max-165x165")
        assert thumbnail.url in get(client, "/admin/images/", people[role]).content.decode()
        assert get(client, thumbnail.url, people[role]).status_code == 200
    assert get(client, thumbnail.url).status_code == 404
    assert "Ward scan in draft" not in get(client, "/admin/images/chooser/", people["partner_b"]).content.decode()


# Serving in production -------------------------------------------------------------------------


@override_settings(MEDIA_X_ACCEL_REDIRECT="/internal-media/")
def test_behind_nginx_the_checked_files_are_handed_to_the_web_server(client, partnerships, people):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    rendition = image.get_rendition(CARD)

    assert get(client, image.file.url).status_code == 404
    response = get(client, image.file.url, people["partner_a"])
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{image.file.name}"
    assert response["Content-Type"] == "image/png"
    assert response.body == b""
    response = get(client, rendition.url, people["editor"])
    assert response["X-Accel-Redirect"] == f"/internal-media/{rendition.file.name}"


def test_with_object_storage_checked_files_still_go_through_the_site():
    from knowledge.publishing.storage import CheckedMediaStorage

    storage = CheckedMediaStorage(location=settings.MEDIA_ROOT, base_url="https://bucket.example.org/media/")
    assert (
        storage.url("images/ward.fill-480x270.webp") == "https://bucket.example.org/media/images/ward.fill-480x270.webp"
    )
    assert storage.url("original_images/ward.png") == "/media/original_images/ward.png"
    protected = "protected_images/7/ward.fill-480x270.webp"
    assert storage.url(protected) == f"/media/{protected}"

    from knowledge.publishing.s3_storage import CheckedS3Storage  # production's, with a bucket

    bucket = CheckedS3Storage(
        bucket_name="esther-media", region_name="eu-west-1", querystring_auth=False, access_key="k", secret_key="s"
    )
    assert bucket.url("images/ward.webp").startswith("https://esther-media.s3")
    assert bucket.url("original_images/ward.png") == "/media/original_images/ward.png"
    assert bucket.url(protected) == f"/media/{protected}"


# Uploads made before this rule -----------------------------------------------------------------


def test_place_renditions_moves_existing_draft_renditions_out_of_the_public_folder(client, partnerships, people):
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    make_case_study(a, title="Draft", image=image, live=False)
    # A rendition made before the rule, where Wagtail puts every rendition.
    legacy = get_test_image_file("legacy.png", size=(48, 36)).file.getvalue()
    name = image.file.storage.save("images/ward-scan.2e16d0ba.fill-48x36.png", ContentFile(legacy))
    Rendition.objects.create(image=image, filter_spec="fill-48x36", focal_point_key="2e16d0ba", file=name)
    original = image.file.name
    assert get(client, f"/media/{name}").status_code == 200

    with pytest.raises(SystemExit) as exited:
        call_command("place_renditions", "--check", stdout=io.StringIO())
    assert exited.value.code == 1

    out = io.StringIO()
    call_command("place_renditions", stdout=out)

    assert "Protected 1 rendition" in out.getvalue()
    call_command("place_renditions", "--check", stdout=io.StringIO())  # nothing left: exits 0
    moved = Rendition.objects.get(image=image, filter_spec="fill-48x36")
    assert moved.file.name.startswith(f"protected_images/{image.pk}/")
    assert not stored(name)
    assert get(client, f"/media/{name}").status_code == 404
    assert get(client, moved.url).status_code == 404
    response = get(client, moved.url, people["partner_a"])
    assert response.status_code == 200
    assert response.body == legacy
    # Originals never move, and are never lost.
    assert Image.objects.get(pk=image.pk).file.name == original
    assert stored(original)


def test_an_image_added_only_in_a_draft_of_a_live_page_waits_for_its_publication(
    client, partnerships, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    page = make_case_study(a, title="Live, with changes in draft")
    image = upload(a.partner_group.collection)
    page.image = image
    with django_capture_on_commit_callbacks(execute=True):
        revision = page.save_revision()

    assert get(client, image.file.url).status_code == 404
    assert get(client, image.get_rendition(CARD).url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()

    assert get(client, image.file.url).status_code == 200
    assert get(client, Image.objects.get(pk=image.pk).get_rendition(CARD).url).status_code == 200


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_a_task_worker_the_change_holds_before_the_worker_runs(
    client, partnerships, django_capture_on_commit_callbacks
):
    # In production Wagtail's reference index task waits for `manage.py db_worker`.
    a, _b = partnerships
    image = upload(a.partner_group.collection)
    page = make_case_study(a, title="Ward scan", live=False)
    page.image = image
    page.save_revision()
    seen_in_preview = image.get_rendition(CARD)

    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()

    assert get(client, image.file.url).status_code == 200
    rendition = Image.objects.get(pk=image.pk).get_rendition(CARD)
    assert rendition.file.name.startswith("images/") and rendition.pk == seen_in_preview.pk
    assert get(client, rendition.url).status_code == 200
