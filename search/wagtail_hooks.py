"""Editors extend the synonyms under Settings; they take effect at once."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    add_to_settings_menu = True
    search_backend_name = None
    search_fields = ["terms"]
    list_display = ["terms"]


register_snippet(SearchSynonymViewSet)
