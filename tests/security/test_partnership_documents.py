"""A partnership's documents are served only once a published page uses them (or to those who may
choose them): their id and file name alone must not reveal a draft's attachment."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from knowledge.publishing.alliance import ALLIANCE_EDITORS
from tests.factories import make_case_study, make_partnership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def partnerships(library):
    return (
        make_partnership(library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML"),
        make_partnership(library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu", south_country="KE"),
    )


def user_in(django_user_model, name, group):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(group)
    return user


def upload(collection, title="Audit tool") -> Document:
    document = Document(title=title, collection=collection)
    document.file.save("audit-tool.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def fetch(client, document, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(document.url)


def attaching(document) -> list[dict]:
    return [
        {"type": "paragraph", "value": "<p>The audit tool we used on every ward.</p>"},
        {"type": "document", "value": {"document": document.pk, "title": "Audit tool"}},
    ]


def test_a_draft_attachment_is_served_to_its_partnership_and_editors_only(
    client, partnerships, django_user_model, django_capture_on_commit_callbacks
):
    a, b = partnerships
    document = upload(a.partner_group.collection)
    with django_capture_on_commit_callbacks(execute=True):
        make_case_study(a, title="Audit tool in draft", body=attaching(document), live=False)

    assert fetch(client, document).status_code == 404
    assert fetch(client, document, user_in(django_user_model, "brian", b.partner_group.group)).status_code == 404
    assert fetch(client, document, user_in(django_user_model, "awa", a.partner_group.group)).status_code == 200
    editor = user_in(django_user_model, "elena", Group.objects.get(name=ALLIANCE_EDITORS))
    assert fetch(client, document, editor).status_code == 200


def test_it_is_public_once_a_published_page_uses_it(client, partnerships, django_capture_on_commit_callbacks):
    a, _b = partnerships
    document = upload(a.partner_group.collection)
    with django_capture_on_commit_callbacks(execute=True):
        page = make_case_study(a, title="Audit tool published", body=attaching(document))
    response = fetch(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert fetch(client, document).status_code == 404


def test_the_alliances_own_documents_are_served_as_before(client, partnerships):
    from wagtail.models import Collection

    document = upload(Collection.get_first_root_node(), title="Charter")
    assert fetch(client, document).status_code == 200


def api(client, path, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/v2/documents/{path}")


def test_the_api_neither_lists_nor_describes_a_draft_attachment(
    client, partnerships, django_user_model, django_capture_on_commit_callbacks
):
    a, b = partnerships
    document = upload(a.partner_group.collection)
    with django_capture_on_commit_callbacks(execute=True):
        make_case_study(a, title="Audit tool in draft", body=attaching(document), live=False)

    for user in (None, user_in(django_user_model, "brian", b.partner_group.group)):
        listing = api(client, "", user).json()
        assert document.pk not in [item["id"] for item in listing["items"]]
        assert "audit-tool" not in str(listing)
        assert api(client, f"{document.pk}/", user).status_code == 404
        assert api(client, f"find/?id={document.pk}", user).status_code == 404
    awa = user_in(django_user_model, "awa", a.partner_group.group)
    assert api(client, f"{document.pk}/", awa).status_code == 200


def test_the_api_describes_it_once_a_published_page_uses_it(client, partnerships, django_capture_on_commit_callbacks):
    a, _b = partnerships
    document = upload(a.partner_group.collection)
    with django_capture_on_commit_callbacks(execute=True):
        make_case_study(a, title="Audit tool published", body=attaching(document))

    assert document.pk in [item["id"] for item in api(client, "").json()["items"]]
    response = api(client, f"{document.pk}/")
    assert response.status_code == 200
    assert client.get(response.json()["meta"]["download_url"]).status_code == 200
