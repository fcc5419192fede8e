"""Editors extend the synonyms under Settings; they take effect at once."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from knowledge.publishing.hardening import chooser_for_managers_of

from .models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    add_to_settings_menu = True
    search_backend_name = None
    search_fields = ["terms"]
    list_display = ["terms"]
    # A settings model: its chooser is for those who manage synonyms, not every admin user.
    chooser_viewset_class = chooser_for_managers_of(SearchSynonym)


register_snippet(SearchSynonymViewSet)
