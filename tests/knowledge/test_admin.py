"""Editors manage the taxonomy and every page type in Wagtail's admin."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from knowledge.models import CaseStudyPage, Country, FocusArea, Institution, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [FocusArea, Country, Institution, Person])
def test_taxonomy_is_listed_and_editable_in_the_admin(editor, model):
    listing = editor.get(reverse(f"wagtailsnippets_knowledge_{model._meta.model_name}:list"))
    assert listing.status_code == 200
    assert editor.get(reverse(f"wagtailsnippets_knowledge_{model._meta.model_name}:add")).status_code == 200


def test_editors_search_countries_by_name(editor):
    response = editor.get(reverse("wagtailsnippets_knowledge_country:list"), {"q": "Burkina"})
    assert "Burkina Faso" in response.content.decode()
    assert "Kenya" not in response.content.decode()


def test_an_invalid_orcid_is_a_form_error_not_a_crash(editor):
    institution = Institution.objects.create(name="Hôpital du Point G", type="hospital", country_id="ML")
    response = editor.post(
        reverse("wagtailsnippets_knowledge_person:add"),
        {"name": "Awa Traoré", "role": "Biologist", "institution": institution.pk, "orcid": "1234"},
    )
    assert response.status_code == 200
    assert "Enter the ORCID iD as sixteen characters" in response.content.decode()
    assert not Person.objects.filter(name="Awa Traoré").exists()


@pytest.mark.parametrize("model_name", ["casestudypage", "lessonpage", "testimonialpage"])
def test_item_add_forms_open_under_a_partnership(editor, partnership, model_name):
    url = reverse("wagtailadmin_pages:add", args=("knowledge", model_name, partnership.pk))
    assert editor.get(url).status_code == 200


def test_partnership_and_item_edit_forms_open(editor, partnership, one_of_each):
    for page in (partnership, *one_of_each.values()):
        assert editor.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).status_code == 200


def test_an_editor_publishes_a_case_study_through_the_admin(editor, partnership, client):
    author = PersonFactory()
    data = nested_form_data(
        {
            "title": "Reusable gowns in Ségou",
            "slug": "reusable-gowns",
            "summary": "Switching to reusable surgical gowns halved stock-outs.",
            "publication_date": "2025-03-01",
            "language": "fr",
            "tags": "procurement, surgery",
            "licence": "CC-BY-4.0",
            "body": streamfield(
                [
                    ("heading", "Contexte"),
                    ("paragraph", rich_text("<p>Les blouses manquaient chaque mois.</p>")),
                ]
            ),
            "authors": inline_formset([{"person": author.pk}]),
            "outcomes": inline_formset(
                [{"indicator": "Months with a stock-out", "baseline": "7", "result": "2", "unit": "months"}]
            ),
            "attachments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    data["focus_areas"] = [FocusArea.objects.get(slug="medicines-and-procurement").pk]
    url = reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", partnership.pk))
    response = editor.post(url, data)
    if response.status_code != 302:
        import re

        pytest.fail(str(re.findall(r"error[^>]*>\s*([^<]{3,200})<", response.content.decode())))
    page = CaseStudyPage.objects.get(slug="reusable-gowns")
    assert page.live and page.partnership_id == partnership.pk
    assert list(page.countries.values_list("code", flat=True)) == ["ML"]
    assert page.outcomes.get().result == 2
    assert sorted(page.tags.names()) == ["procurement", "surgery"]
    public = client.get(page.url).content.decode()
    assert "Les blouses manquaient chaque mois." in public and "Months with a stock-out" in public


def test_a_testimonial_without_consent_is_refused_with_a_message(editor, partnership):
    data = nested_form_data(
        {
            "title": "Unconsented",
            "slug": "unconsented",
            "summary": "s",
            "publication_date": "2025-03-01",
            "language": "en",
            "tags": "",
            "quote": "Something said in a corridor.",
            "speaker": PersonFactory().pk,
            "action-publish": "publish",
        }
    )
    data["focus_areas"] = [FocusArea.objects.first().pk]
    url = reverse("wagtailadmin_pages:add", args=("knowledge", "testimonialpage", partnership.pk))
    response = editor.post(url, data)
    assert response.status_code == 200
    assert "consent is recorded" in response.content.decode()


def test_a_case_study_whose_body_has_no_words_is_refused(editor, partnership):
    data = nested_form_data(
        {
            "title": "Empty body",
            "slug": "empty-body",
            "summary": "Something.",
            "publication_date": "2025-03-01",
            "language": "en",
            "tags": "",
            "licence": "CC-BY-4.0",
            # What the editor sends when a paragraph was added but nothing typed in it.
            "body": streamfield([("paragraph", rich_text('<p data-block-key="x1"></p>'))]),
            "authors": inline_formset([]),
            "outcomes": inline_formset([]),
            "attachments": inline_formset([]),
            "action-publish": "publish",
        }
    )
    data["focus_areas"] = [FocusArea.objects.first().pk]
    response = editor.post(reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", partnership.pk)), data)
    assert response.status_code == 200
    assert "the body has no text yet" in response.content.decode()
    assert not CaseStudyPage.objects.filter(slug="empty-body").exists()


def test_a_country_is_added_with_its_codes_which_then_cannot_change(editor):
    add = reverse("wagtailsnippets_knowledge_country:add")
    refused = editor.post(add, {"name": "Atlantis"})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert not Country.objects.filter(name="Atlantis").exists()

    fields = {"code": "XA", "iso3": "XAT", "numeric": "999", "name": "Atlantis", "region": "Oceania"}
    assert editor.post(add, fields).status_code == 302
    assert Country.objects.get(code="XA").region_slug == "oceania"

    edit = reverse("wagtailsnippets_knowledge_country:edit", args=["XA"])
    assert editor.post(edit, {**fields, "code": "XB", "name": "Atlantis Nova"}).status_code == 302
    assert Country.objects.get(code="XA").name == "Atlantis Nova"
    assert not Country.objects.filter(code="XB").exists()
