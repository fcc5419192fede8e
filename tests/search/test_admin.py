"""Editors keep the search synonyms in the admin, under Settings."""

import pytest
from django.urls import reverse

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
    assert "TB, tuberculosis, tuberculose" in listing  # the seeded groups

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
