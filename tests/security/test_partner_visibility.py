"""What a partner is shown of other partnerships, beyond the admin table's "no secret in any answer":
the partner still gets their own, the public vocabulary is still shared, and a login-only page is
for the people who work on it (its partnership and the alliance editors), not for every account."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from knowledge.publishing.hardening import LOGIN_ONLY_LABEL
from tests.factories import make_case_study

pytest_plugins = ["tests.security.admin_world"]


def tags(client, term: str) -> list[str]:
    response = client.get(reverse("wagtailadmin_tag_autocomplete"), {"term": term})
    assert response.status_code == 200
    return json.loads(response.content)


# Tags -------------------------------------------------------------------------------------------


def test_a_partner_is_offered_their_own_tags_and_the_public_ones_only(world, as_role):
    make_case_study(world.b, title="Kisumu public item", slug="b-public-tagged", tags=["Published vocabulary"])
    assert tags(as_role("partner_a"), "Bamako") == ["Bamako private tag"]
    assert tags(as_role("partner_a"), "Kisumu") == []
    assert tags(as_role("partner_b"), "Bamako") == []
    assert tags(as_role("partner_b"), "Kisumu") == ["Kisumu private tag"]
    for role in ("partner_a", "partner_b", "editor"):
        assert tags(as_role(role), "published") == ["Published vocabulary"], role


def test_editors_are_offered_every_tag(world, as_role):
    assert tags(as_role("editor"), "Bamako") == ["Bamako private tag"]
    assert tags(as_role("superuser"), "Kisumu") == ["Kisumu private tag"]


def test_a_partner_is_offered_the_tags_of_their_own_uploads(world, as_role):
    world.a_image.tags.add("Bamako scan tag")
    assert tags(as_role("partner_a"), "Bamako s") == ["Bamako scan tag"]
    assert tags(as_role("partner_b"), "Bamako s") == []


def test_the_per_model_tag_url_answers_only_for_the_tag_model(world, as_role):
    client = as_role("partner_a")
    url = reverse("wagtailadmin_tag_model_autocomplete", args=("taggit", "tag"))
    assert json.loads(client.get(url, {"term": "Kisumu"}).content) == []
    assert (
        client.get(reverse("wagtailadmin_tag_model_autocomplete", args=("auth", "user")), {"term": "a"}).status_code
        == 404
    )


# Page and person choosers ----------------------------------------------------------------------


def test_the_page_chooser_offers_a_partner_their_own_private_pages_and_not_others(world, as_role):
    search = reverse("wagtailadmin_choose_page_search")
    own = as_role("partner_a").get(search, {"q": "Bamako"}).content.decode()
    assert "Bamako login-only item" in own and "Bamako password item" in own
    other = as_role("partner_b").get(search, {"q": "Bamako"}).content.decode()
    assert "Bamako live item" in other  # the public, published title
    assert "Bamako login-only item" not in other


def test_the_person_chooser_searches_among_the_people_a_partner_may_see(world, as_role):
    results = reverse("wagtailsnippetchoosers_knowledge_person:choose_results")
    own = as_role("partner_a").get(results, {"q": "Bamako private"})
    assert own.status_code == 200 and "Bamako private author" in own.content.decode()
    other = as_role("partner_b").get(results, {"q": "private author"})
    assert other.status_code == 200
    assert "Kisumu private author" in other.content.decode()
    assert "Bamako private author" not in other.content.decode()


# Login-only pages and collections ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, readers, refused",
    [
        ("login", ("partner_a", "editor", "superuser"), ("partner_b",)),
        # Group-only keeps Wagtail's meaning: the groups chosen (here A's partners), and superusers.
        ("groups", ("partner_a", "superuser"), ("partner_b", "editor")),
    ],
)
def test_a_private_page_is_for_the_people_it_names(world, as_role, kind, readers, refused):
    page = world.refs[f"a_{kind}"]
    title = page.title
    assert as_role("anonymous").get(page.url)["Location"].startswith("/_util/login/")
    for role in refused:
        response = as_role(role).get(page.url)
        assert response.status_code == 403, role
        assert "This page is private" in response.content.decode() and title not in response.content.decode()
    for role in readers:
        response = as_role(role).get(page.url)
        assert response.status_code == 200, role
        assert title in response.content.decode()


def test_a_login_only_collection_is_for_those_with_a_right_on_it(world, as_role):
    staff = Collection.get_first_root_node().add_child(name="Alliance staff papers")
    CollectionViewRestriction.objects.create(collection=staff, restriction_type="login")
    document = Document.objects.create(
        title="Staff rota", file=ContentFile(b"%PDF-1.4 rota", name="rota.pdf"), collection=staff
    )
    url = reverse("wagtaildocs_serve", args=(document.pk, "rota.pdf"))
    assert as_role("partner_a").get(url).status_code in (302, 403)
    response = as_role("editor").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 rota"


def test_the_privacy_choice_says_what_login_only_means(world, as_role):
    response = as_role("editor").get(reverse("wagtailadmin_pages:set_privacy", args=(world.pk("a_live"),)))
    html = response.content.decode()
    assert str(LOGIN_ONLY_LABEL) in html
    assert "any logged-in users" not in html
