"""What partners see of their items' review: previews that say a draft is a draft."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from knowledge.models import CaseStudyPage
from tests.factories import make_case_study
from tests.knowledge.test_partner_publishing import as_user, case_study_form, form_errors

pytestmark = pytest.mark.django_db

TITLE = "Hand hygiene audits in Bamako"


@pytest.fixture
def submitted(client, partnerships, people, django_capture_on_commit_callbacks):
    """Partner A's case study, written and submitted for review through the admin."""
    a, _b = partnerships
    as_user(client, people["partner_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", a.pk)),
            case_study_form(TITLE, "hygiene-bamako", "submit"),
        )
    assert response.status_code == 302, form_errors(response)
    page = CaseStudyPage.objects.get(slug="hygiene-bamako")
    assert page.workflow_in_progress and page.owner == people["partner_a"]
    mail.outbox.clear()
    return page


# Previews of drafts ---------------------------------------------------------------------------


def preview_in_the_panel(client, preview_url: str, form: dict) -> str:
    """The editor's preview panel: the form POSTed, then the preview's GET in the iframe."""
    assert client.post(preview_url, form).json()["is_valid"]
    response = client.get(preview_url, {"in_preview_panel": "true"})
    assert response.status_code == 200
    return response.content.decode()


def item_meta(html: str) -> str:
    return re.search(r'<dl class="item-meta">(.*?)</dl>', html, re.DOTALL).group(1)


def test_a_preview_of_a_draft_says_it_is_a_draft_not_published_today(client, partnerships, people, submitted):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    today = timezone.localdate()
    new_page_preview = reverse("wagtailadmin_pages:preview_on_add", args=("knowledge", "casestudypage", a.pk))
    draft_preview = reverse("wagtailadmin_pages:preview_on_edit", args=(submitted.pk,))
    for url in (new_page_preview, draft_preview):
        form = case_study_form(TITLE, "a-draft", publication_date=today.isoformat())
        meta = item_meta(preview_in_the_panel(client, url, form))
        assert "Draft, not published" in meta, url
        assert "Published" not in meta and today.isoformat() not in meta and f"{today:%B} {today.year}" not in meta

    # What the editor reviews: the submitted draft.
    as_user(client, people["editor"])
    task = submitted.current_workflow_task
    review_preview = client.get(reverse("wagtailadmin_pages:workflow_preview", args=(submitted.pk, task.pk)))
    assert "Draft, not published" in item_meta(review_preview.content.decode())


def test_a_preview_of_changes_to_a_published_item_says_they_are_a_draft(client, partnerships, people):
    a, _b = partnerships
    live = make_case_study(a, title="Cutting surgical site infections in Bamako")
    as_user(client, people["editor"])
    meta = item_meta(
        preview_in_the_panel(
            client,
            reverse("wagtailadmin_pages:preview_on_edit", args=(live.pk,)),
            case_study_form("Cutting surgical site infections in Bamako", live.slug),
        )
    )
    assert "<dt>Published</dt>" in meta and "Draft of changes, not published yet" in meta
    public = item_meta(client.__class__().get(live.url).content.decode())
    assert "<dt>Published</dt>" in public and "Draft" not in public
