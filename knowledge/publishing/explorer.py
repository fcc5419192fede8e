"""Where the page explorer opens for a partner: their partnership, in their admin language.

Wagtail opens the explorer (the sidebar's Pages menu) at the closest common ancestor of the pages
a user holds rights on. A partnership's translations share its partner group, which holds the
same rights on each version (partners.py), and the versions sit in different language trees: the
common ancestor was the root of every tree, so partners started above all the site's pages.
Here each set of versions counts once, in the version of the admin user's language where there is
one, else the original (the default language's, else the first made); the explorer opens at their
common ancestor. Wagtail's explorable root itself is unchanged, so every version stays
explorable; only the starting point moves.
"""

from django.conf import settings
from django.urls import reverse
from wagtail.admin.ui.sidebar import PageExplorerMenuItem as PageExplorerMenuItemComponent
from wagtail.admin.wagtail_hooks import ExplorerMenuItem
from wagtail.models import Locale, Page
from wagtail.permissions import policy_registry

_CACHE = "_explorer_start_page"


def _version_for(versions: list[Page], language: str) -> Page:
    for wanted in (language, settings.LANGUAGE_CODE):
        found = [page for page in versions if page.locale.language_code == wanted]
        if found:
            return found[0]
    return min(versions, key=lambda page: page.pk)


def explorer_start(user) -> Page | None:
    """The page the explorer opens at for `user` (Wagtail's explorable root, with a page's
    language versions counted once, in the admin user's language or the original)."""
    if hasattr(user, _CACHE):
        return getattr(user, _CACHE)
    policy = policy_registry.get_by_type(Page)
    start = policy.explorable_root_instance(user)
    if start is not None and not user.is_superuser:
        granted = list(policy.instances_with_direct_explore_permission(user))
        by_key: dict = {}
        for page in Page.objects.filter(pk__in=[page.pk for page in granted]).select_related("locale"):
            by_key.setdefault(page.translation_key, []).append(page)
        if any(len(versions) > 1 for versions in by_key.values()):
            language = Locale.get_active().language_code
            chosen = [_version_for(versions, language) for versions in by_key.values()]
            start = Page.objects.first_common_ancestor_of(chosen, include_self=True, strict=True)
    setattr(user, _CACHE, start)
    return start


class PartnershipExplorerMenuItem(ExplorerMenuItem):
    """Wagtail's Pages menu item, opening at `explorer_start` rather than the explorable root."""

    def get_context(self, request):
        context = super().get_context(request)
        start = explorer_start(request.user)
        if start is not None:
            context["start_page_id"] = start.id
        return context

    def render_component(self, request):
        start = explorer_start(request.user)
        if start is None:
            return super().render_component(request)
        # Without JavaScript the item is a plain link: to the same page.
        url = self.url if start.is_root() else reverse("wagtailadmin_explore", args=[start.id])
        return PageExplorerMenuItemComponent(
            self.name, self.label, url, start.id, icon_name=self.icon_name, classname=self.classname
        )


def explorer_opens_at_the_partnership(request, menu_items: list) -> None:
    """construct_main_menu: Wagtail's Pages item replaced by one opening at `explorer_start`."""
    for position, item in enumerate(menu_items):
        if item.name == "explorer" and type(item) is ExplorerMenuItem:
            menu_items[position] = PartnershipExplorerMenuItem(
                item.label,
                item.url,
                name=item.name,
                classname=item.classname,
                icon_name=item.icon_name,
                attrs=item.attrs,
                order=item.order,
            )
