"""Two partnerships and the people who work on them: shared by the partner publishing tests."""

import pytest
from django.contrib.auth.models import Group

from knowledge.publishing.alliance import ALLIANCE_EDITORS
from search.indexing import drain
from tests.factories import make_partnership


@pytest.fixture
def partnerships(library):
    return (
        make_partnership(library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML"),
        make_partnership(library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu", south_country="KE"),
    )


def account(django_user_model, name: str, *groups: Group):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(*groups)
    return user


@pytest.fixture
def people(partnerships, django_user_model):
    a, b = partnerships
    return {
        "partner_a": account(django_user_model, "awa", a.partner_group.group),
        "partner_b": account(django_user_model, "brian", b.partner_group.group),
        "editor": account(django_user_model, "elena", Group.objects.get(name=ALLIANCE_EDITORS)),
    }


@pytest.fixture
def index_now():
    """Apply the search index's queue, as the task that follows a commit does in production (a
    test's transaction never commits): the library's listings read the search index."""
    return drain
