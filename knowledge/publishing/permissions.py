"""Partners hold their rights on their partnership's page so that they reach every item below
it; the partnership page itself stays the alliance editors'."""

from django.db.models import Q
from wagtail.models import Page, PagePermissionTester


class PartnershipPermissionTester(PagePermissionTester):
    """On a partnership page, a grant made on that very page gives only the right to add items;
    editing, deleting, moving or publishing the partnership needs a grant from above it."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            own, inherited = set(), set()
            for grant in self.permission_policy.get_cached_permissions_for_user(user):
                if page.path.startswith(grant.page.path):
                    action = grant.permission.codename.rsplit("_", maxsplit=1)[0]
                    (own if grant.page.path == page.path else inherited).add(action)
            self.permissions = inherited | (own & {"add"})


def visible_in_choosers(pages, user):
    """Where the user may not write, only live public pages with no pending draft (choosers show a
    page's draft title): a partner never sees another partnership's drafts, nor its password,
    login-only or group-only pages, in a page chooser."""
    if user.is_superuser:
        return pages
    from wagtail.permission_policies.pages import PagePermissionPolicy

    writable = Q()
    for grant in PagePermissionPolicy().get_cached_permissions_for_user(user):
        writable |= Q(path__startswith=grant.page.path)
    published = Page.objects.filter(live=True, has_unpublished_changes=False).public()
    # Subqueries on pk, because the chooser's search can only filter on indexed fields.
    visible = Page.objects.filter(Q(pk__in=published.values("pk")) | writable)
    return pages.filter(pk__in=visible.values("pk"))
