"""wagtail-localize's "Translate this page" and "Sync translated pages" buttons show only where the
user may use them: never an action that answers 403 (a partner on their partnership's own page,
which is the editors'), nor a form with no language to choose."""

import re

from django.urls import reverse

# The fixtures `world` and `as_role` (two partnerships, A translated into French, their people).
pytest_plugins = ["tests.security.admin_world"]

SUBMIT = re.compile(r'href="(/admin/localize/submit/page/(\d+)/)"')


def offered(response) -> dict[int, str]:
    """The pages a response offers to translate: id -> the link."""
    assert response.status_code == 200
    return {int(pk): url for url, pk in SUBMIT.findall(response.content.decode())}


def test_a_partner_is_not_offered_to_translate_their_partnership(world, as_role):
    partner_a = as_role("partner_a")
    explorer = reverse("wagtailadmin_explore", args=(world.pk("a"),))
    links = offered(partner_a.get(explorer))
    # The partnership itself (its header) is the editors' to translate: no button.
    assert world.pk("a") not in links
    # Its items are A's to translate into French (A's partnership is in French): offered, and
    # every link offered opens.
    assert world.pk("a_scheduled") in links
    for url in links.values():
        assert partner_a.get(url).status_code == 200, url
    # B's partnership, in no other language yet: not its partner's to translate, an editor's.
    explorer_b = reverse("wagtailadmin_explore", args=(world.pk("b"),))
    assert world.pk("b") not in offered(as_role("partner_b").get(explorer_b))
    assert world.pk("b") in offered(as_role("editor").get(explorer_b))


def test_a_partner_is_offered_nothing_they_would_be_refused(world, as_role):
    """On an item whose languages are all done or closed to the partner, no Translate button."""
    partner_a = as_role("partner_a")
    # A's live item is already in French, the only language A's partnership is in.
    edit = reverse("wagtailadmin_pages:edit", args=(world.pk("a_live"),))
    links = offered(partner_a.get(edit))
    assert world.pk("a_live") not in links
