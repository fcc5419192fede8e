"""A partner's page explorer opens at their partnership, in their admin language where it is
translated (else the original), not above every language tree: a partnership's translations share
its partner group, so Wagtail's common ancestor of the pages they hold was the root of all trees."""

import re

from django.urls import reverse
from wagtail.models import Page
from wagtail.users.models import UserProfile

# The fixtures `world` and `as_role` (two partnerships, A translated into French, their people).
pytest_plugins = ["tests.security.admin_world"]

START = re.compile(r'PageExplorerMenuItem", "_args": \[\{.*?"url": "[^"]*"\}, (\d+)')


def explorer_start(client) -> int:
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    (start,) = START.findall(response.content.decode())
    return int(start)


def test_a_partner_starts_at_their_partnership_in_their_language(world, as_role):
    a = world.refs["a"]
    french_a = Page.objects.get(translation_key=a.translation_key, locale__language_code="fr")
    assert explorer_start(as_role("partner_a")) == a.pk  # English admin: the original
    home = as_role("partner_a").get(reverse("wagtailadmin_home")).content.decode()
    assert f'"url": "/admin/pages/{a.pk}/"}}, {a.pk}' in home  # the same page without JavaScript
    # The partnership's French version is still theirs to explore.
    assert as_role("partner_a").get(reverse("wagtailadmin_explore", args=(french_a.pk,))).status_code == 200

    profile = UserProfile.get_for_user(world.users["partner_a"])
    profile.preferred_language = "fr"
    profile.save()
    assert explorer_start(as_role("partner_a")) == french_a.pk


def test_others_start_where_wagtail_starts_them(world, as_role):
    # B's partnership has no translation: its page, as before.
    assert explorer_start(as_role("partner_b")) == world.pk("b")
    # Editors hold rights from the root: the root.
    assert explorer_start(as_role("editor")) == Page.get_first_root_node().pk
