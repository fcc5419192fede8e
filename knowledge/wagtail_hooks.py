"""Taxonomy in the admin: one menu group where editors manage the vocabularies; the admin
hardening for partner accounts (knowledge/publishing/hardening.py); and what partners see: their
dashboard panel, their items' review (knowledge/publishing/feedback.py, notifications.py), plain
words, an editor that autosaves only what it can save."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from config.languages import reader_language

from . import listings, views
from .models import Country, FocusArea, Institution, MemberAgency, Person
from .models.items import ITEM_CITATION_HOOK, ITEM_PAGE_CONTEXT_HOOK
from .models.library import LIBRARY_ROUTE_HOOK
from .models.partnerships import PARTNERSHIP_PAGE_CONTEXT_HOOK
from .publishing import feedback, hardening
from .publishing.dashboard import add_partner_items_panel
from .publishing.documents import serve_partnership_documents_once_published
from .publishing.explorer import explorer_opens_at_the_partnership
from .publishing.notifications import remember_unpublication_reason
from .publishing.permissions import visible_in_choosers
from .publishing.plain_words import submit_for_review
from .selectors import TypeGroup, in_reader_language, partnership_items


class TaxonomyViewSet(SnippetViewSet):
    # Small tables, partly seeded by migrations (never indexed): search them with the ORM.
    search_backend_name = None


class FocusAreaViewSet(TaxonomyViewSet):
    model = FocusArea
    icon = "tag"
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order"]
    search_fields = ["name"]


class CountryViewSet(TaxonomyViewSet):
    model = Country
    icon = "site"
    list_display = ["name", "code", "region", "subregion"]
    list_filter = ["region", "subregion"]
    search_fields = ["name", "name_fr", "name_pt", "name_es", "code"]
    list_per_page = 50


class InstitutionViewSet(TaxonomyViewSet):
    model = Institution
    icon = "group"
    list_display = ["name", "acronym", "type", "city", "country"]
    list_filter = ["type", "country__region"]
    search_fields = ["name", "acronym", "city"]


class MemberAgencyViewSet(TaxonomyViewSet):
    model = MemberAgency
    icon = "globe"
    list_display = ["name", "country"]
    search_fields = ["name", "acronym"]


class PersonViewSet(TaxonomyViewSet):
    model = Person
    icon = "user"
    # Partners choose authors and speakers among the people their own content needs only.
    chooser_viewset_class = hardening.PeopleChooserViewSet
    list_display = ["name", "role", "institution"]
    search_fields = ["name", "role"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Taxonomy")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (FocusAreaViewSet, CountryViewSet, InstitutionViewSet, MemberAgencyViewSet, PersonViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_the_user_may_not_write(pages, request):
    return visible_in_choosers(pages, request.user)


hooks.register("before_move_page", hardening.refuse_move_without_permission)
hooks.register("construct_main_menu", explorer_opens_at_the_partnership)
hooks.register("construct_reports_menu", hardening.hide_editors_reports)
# After Wagtail's own registrations (order 0), which these replace.
hooks.register("construct_admin_api", hardening.register_admin_api_endpoints, order=1)


hooks.register("before_serve_document", serve_partnership_documents_once_published)
hooks.register("before_serve_page", hardening.refuse_signed_in_readers_without_access)

# An editor's request for changes, where the partner works; the reason for an unpublication.
hooks.register("construct_homepage_panels", feedback.add_changes_requested_panel)
hooks.register("before_edit_page", feedback.show_requested_changes)
hooks.register("before_unpublish_page", remember_unpublication_reason)

hooks.register("construct_homepage_panels", add_partner_items_panel)
hooks.register("construct_page_action_menu", submit_for_review)


# What the item and partnership pages serve beyond their fields, from the layers above the models.
@hooks.register(ITEM_PAGE_CONTEXT_HOOK)
def cite_panel(page, request) -> dict:
    return {"citation": views.citation_panel(page, request)}


hooks.register(ITEM_CITATION_HOOK, views.citation_response)


hooks.register(LIBRARY_ROUTE_HOOK, listings.answer_library_route)


@hooks.register(PARTNERSHIP_PAGE_CONTEXT_HOOK)
def partnership_items_by_type(page, request) -> dict:
    # The original's items (a translation has only those translated), each in the reader's
    # language where it has a translation.
    language = reader_language(request)
    return {
        "items_by_type": {
            slug: TypeGroup(in_reader_language(group.items, language), group.total)
            for slug, group in partnership_items(page.default_language_page).items()
        }
    }


@hooks.register("insert_editor_js")
def autosave_waits_for_a_title():
    return format_html('<script src="{}"></script>', static("knowledge/admin/autosave_needs_a_title.js"))
