"""Editors keep the search synonyms in the admin, under Settings."""

import pytest
from django.urls import reverse

from knowledge.models import Country
from search.models import SearchSynonym
from search.synonyms import synonym_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_synonyms_are_under_settings_and_an_added_group_expands_queries(editor):
    menu = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailsnippets_search_searchsynonym:list") in menu
    listing = editor.get(reverse("wagtailsnippets_search_searchsynonym:list")).content.decode()
    assert "AMR, antimicrobial resistance, RAM" in listing  # the seeded groups (first page)

    response = editor.post(reverse("wagtailsnippets_search_searchsynonym:add"), {"terms": "GeneXpert, Xpert MTB/RIF"})
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(terms="GeneXpert, Xpert MTB/RIF").exists()
    assert ("xpert", "mtb/rif") in synonym_map()[("genexpert",)]


def test_a_duplicate_group_is_a_form_error(editor):
    response = editor.post(
        reverse("wagtailsnippets_search_searchsynonym:add"), {"terms": "TB, tuberculosis, tuberculose"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_country_renamed_in_the_admin_is_renamed_in_the_next_search(editor, corpus):
    def country_labels() -> dict[str, str]:
        facets = editor.get("/api/search/", {"q": "laboratory"}).json()["facets"]
        return {option["value"]: option["label"] for option in facets["country"]}

    assert country_labels()["ML"] == "Mali"  # the labels are now kept by this process
    mali = Country.objects.get(code="ML")
    fields = ["name_fr", "iso3", "numeric", "region", "subregion", "intermediate_region", "latitude", "longitude"]
    data = {field: getattr(mali, field) or "" for field in fields}
    response = editor.post(
        reverse("wagtailsnippets_knowledge_country:edit", args=[mali.pk]), {**data, "name": "Republic of Mali"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert country_labels()["ML"] == "Republic of Mali"
