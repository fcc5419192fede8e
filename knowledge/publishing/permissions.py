"""What a partner sees in the admin's page choosers. (The partnership page's own rule, that
partners hold their rights on it only to reach the items below, is PartnershipPermissionTester
beside the model in knowledge/models/partnerships.py.)"""

from django.db.models import Q
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy


def visible_in_choosers(pages, user):
    """Where the user may not write, only live public pages with no pending draft (choosers show a
    page's draft title): a partner never sees another partnership's drafts, nor its password,
    login-only or group-only pages, in a page chooser."""
    if user.is_superuser:
        return pages

    writable = Q()
    for grant in PagePermissionPolicy().get_cached_permissions_for_user(user):
        writable |= Q(path__startswith=grant.page.path)
    published = Page.objects.filter(live=True, has_unpublished_changes=False).public()
    # Subqueries on pk, because the chooser's search can only filter on indexed fields.
    visible = Page.objects.filter(Q(pk__in=published.values("pk")) | writable)
    return pages.filter(pk__in=visible.values("pk"))
