"""What partners see of their items' review: an editor's request for changes (by e-mail, on their
dashboard and at the top of the edit view), and previews that say a draft is a draft."""

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
COMMENT = "Please add the baseline compliance figure.\nAnd name the wards."


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


def review(client, editor, page, action: str, comment: str = ""):
    as_user(client, editor)
    task_state = page.current_workflow_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk)), {"comment": comment}
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    return response


def sent_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def edit_link(page) -> str:
    return f"http://testserver/admin/pages/{page.pk}/edit/"


def resubmit(client, partner, page, captured) -> None:
    as_user(client, partner)
    with captured(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            case_study_form(TITLE, page.slug, "submit", summary="Compliance rose from 31% to 74% on wards 2 and 5."),
        )
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()


# A request for changes ------------------------------------------------------------------------


def test_a_request_for_changes_is_e_mailed_to_the_partner_with_the_comment_and_a_link(client, people, submitted):
    partner, editor = people["partner_a"], people["editor"]
    review(client, editor, submitted, "reject", COMMENT)

    (message,) = sent_to(partner)
    assert message.subject == f"Changes requested: “{TITLE}”"
    assert "Please add the baseline compliance figure.\nAnd name the wards." in message.body
    assert f"elena asked for changes to “{TITLE}”" in message.body
    assert edit_link(submitted) in message.body
    assert "reject" not in (message.subject + message.body).lower()
    assert sent_to(editor) == []  # never to the one who acted


def test_the_partner_sees_the_comment_on_their_dashboard_until_they_resubmit(
    client, people, submitted, django_capture_on_commit_callbacks
):
    partner = people["partner_a"]
    review(client, people["editor"], submitted, "reject", COMMENT)

    as_user(client, partner)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = dashboard[dashboard.index('id="changes-requested-content"') :]
    assert "Changes requested" in dashboard
    assert "Please add the baseline compliance figure.<br>And name the wards." in panel
    assert f'href="/admin/pages/{submitted.pk}/edit/"' in panel and TITLE in panel and "elena" in panel
    # Another partnership's partner sees nothing of it.
    as_user(client, people["partner_b"])
    assert "baseline compliance" not in client.get(reverse("wagtailadmin_home")).content.decode()

    resubmit(client, partner, submitted, django_capture_on_commit_callbacks)
    assert submitted.workflow_in_progress
    assert 'id="changes-requested-content"' not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_partner_sees_the_comment_at_the_top_of_the_edit_view_until_they_resubmit(
    client, people, submitted, django_capture_on_commit_callbacks
):
    partner = people["partner_a"]
    review(client, people["editor"], submitted, "reject", "Please add the <b>baseline</b> figure.")
    edit_url = reverse("wagtailadmin_pages:edit", args=(submitted.pk,))

    as_user(client, partner)
    editing = client.get(edit_url).content.decode()
    message = re.search(r'<div class="messages"[^>]*>(.*?)</ul>', editing, re.DOTALL)
    assert message, "no messages at the top of the edit view"
    assert "Changes requested by elena" in message.group(1)
    assert "<q>Please add the &lt;b&gt;baseline&lt;/b&gt; figure.</q>" in message.group(1)  # as typed, escaped
    assert editing.index("baseline") < editing.index('id="page-edit-form"')

    resubmit(client, partner, submitted, django_capture_on_commit_callbacks)
    assert "Changes requested by" not in client.get(edit_url).content.decode()


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
