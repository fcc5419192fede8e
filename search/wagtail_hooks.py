"""Editors extend the synonyms under Settings; they take effect at once. Item pages show related
items from the search service."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from knowledge.models.items import ITEM_PAGE_CONTEXT_HOOK
from knowledge.publishing.hardening import chooser_for_managers_of

from .models import SearchSynonym
from .related import related_items


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


@hooks.register(ITEM_PAGE_CONTEXT_HOOK)
def related(page, request) -> dict:
    return {"related": related_items(page)}
