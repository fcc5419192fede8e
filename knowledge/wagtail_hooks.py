"""Taxonomy in the admin: one menu group where editors manage the vocabularies."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Country, FocusArea, Institution, MemberAgency, Person


class FocusAreaViewSet(SnippetViewSet):
    model = FocusArea
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order"]


class CountryViewSet(SnippetViewSet):
    model = Country
    icon = "site"
    list_display = ["name", "code", "region", "subregion"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "name_fr", "code"]
    list_per_page = 50


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "group"
    list_display = ["name", "acronym", "type", "city", "country"]
    list_filter = ["type", "country__region"]
    search_fields = ["name", "acronym", "city"]


class MemberAgencyViewSet(SnippetViewSet):
    model = MemberAgency
    icon = "globe"
    list_display = ["name", "country"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    list_display = ["name", "role", "institution"]
    search_fields = ["name", "role"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (FocusAreaViewSet, CountryViewSet, InstitutionViewSet, MemberAgencyViewSet, PersonViewSet)


register_snippet(TaxonomyGroup)
