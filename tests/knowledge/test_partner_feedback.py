"""What partners see of their items' review: an editor's request for changes (by e-mail, on their
dashboard and at the top of the edit view), e-mails when their item is published or unpublished,
and previews that say a draft is a draft."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

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


# Publication and unpublication ------------------------------------------------------------------


def test_an_approval_tells_the_partner_once_after_the_commit_that_the_item_is_published(
    client, people, submitted, django_capture_on_commit_callbacks
):
    partner, editor = people["partner_a"], people["editor"]
    with django_capture_on_commit_callbacks() as callbacks:
        review(client, editor, submitted, "approve")
    assert submitted.live
    assert sent_to(partner) == []  # nothing before the commit (nor Wagtail's "approved" e-mail)
    for callback in callbacks:
        callback()

    (message,) = sent_to(partner)
    assert message.subject == f"Published: “{TITLE}”"
    assert f"“{TITLE}” is now published on the ESTHER Knowledge Hub, by elena." in message.body
    assert submitted.full_url in message.body and edit_link(submitted) in message.body
    assert sent_to(editor) == []


def test_an_approval_that_schedules_the_publication_is_told_by_wagtails_approval_e_mail(
    client, partnerships, people, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    partner, editor = people["partner_a"], people["editor"]
    as_user(client, partner)
    go_live = (timezone.now() + timezone.timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", a.pk)),
            case_study_form(TITLE, "hygiene-bamako", "submit", go_live_at=go_live),
        )
    assert response.status_code == 302, form_errors(response)
    page = CaseStudyPage.objects.get(slug="hygiene-bamako")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review(client, editor, page, "approve")
    assert not page.live
    (message,) = sent_to(partner)  # not published yet: Wagtail's "approved" e-mail, which says so
    assert "approved" in message.subject and "Published" not in message.subject

    # A week later the scheduled publication happens: now the partner is told it is published.
    mail.outbox.clear()
    due = timezone.now() - timezone.timedelta(minutes=1)
    revision = Revision.objects.get(approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = due.isoformat()
    revision.approved_go_live_at = due
    revision.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=io.StringIO())
    page.refresh_from_db()
    assert page.live
    (message,) = sent_to(partner)
    assert message.subject == f"Published: “{TITLE}”" and "as scheduled" in message.body


def test_an_editor_publishing_directly_tells_the_partner(
    client, partnerships, people, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    partner, editor = people["partner_a"], people["editor"]
    as_user(client, partner)
    client.post(
        reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", a.pk)),
        case_study_form(TITLE, "hygiene-bamako"),
    )
    page = CaseStudyPage.objects.get(slug="hygiene-bamako")
    assert not page.live and not page.workflow_in_progress

    as_user(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)), case_study_form(TITLE, page.slug, "publish")
        )
    assert response.status_code == 302, form_errors(response)
    (message,) = sent_to(partner)
    assert message.subject == f"Published: “{TITLE}”"
    assert len(mail.outbox) == 1


def test_unpublishing_tells_the_partner_with_the_reason_the_editor_gave(
    client, people, submitted, django_capture_on_commit_callbacks
):
    partner, editor = people["partner_a"], people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        review(client, editor, submitted, "approve")
    mail.outbox.clear()
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=(submitted.pk,))

    confirmation = client.get(unpublish_url).content.decode()
    assert 'name="reason"' in confirmation and "Sent by e-mail to the partners who wrote this item" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(unpublish_url, {"reason": "The consent form for the ward photographs has expired."})
    submitted.refresh_from_db()
    assert not submitted.live

    (message,) = sent_to(partner)
    assert message.subject == f"Unpublished: “{TITLE}”"
    assert f"“{TITLE}” has been unpublished by elena" in message.body
    assert "The reason given:\nThe consent form for the ward photographs has expired." in message.body
    assert edit_link(submitted) in message.body
    assert sent_to(editor) == []


def test_unpublishing_without_a_reason_says_none(client, people, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review(client, people["editor"], submitted, "approve")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_pages:unpublish", args=(submitted.pk,)))
    (message,) = sent_to(people["partner_a"])
    assert message.subject == f"Unpublished: “{TITLE}”"
    assert "reason" not in message.body.lower() and "expiry" not in message.body


def test_scheduled_publication_and_expiry_tell_the_partner(partnerships, people, django_capture_on_commit_callbacks):
    a, _b = partnerships
    partner = people["partner_a"]
    page = make_case_study(a, title=TITLE, live=False)
    page.owner = partner
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()  # as the scheduled publication does, with no one signed in
    (message,) = sent_to(partner)
    assert message.subject == f"Published: “{TITLE}”" and "as scheduled" in message.body

    mail.outbox.clear()
    CaseStudyPage.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timezone.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=io.StringIO())
    (message,) = sent_to(partner)
    assert message.subject == f"Unpublished: “{TITLE}”"
    assert "It reached the expiry date set on it." in message.body


def test_no_e_mail_to_whoever_acted_nor_to_someone_who_left_the_partnership(
    client, partnerships, people, django_user_model, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    editor, partner = people["editor"], people["partner_a"]
    # An alliance editor who also works in partnership A publishes an item they wrote themselves.
    editor.groups.add(a.partner_group.group)
    as_user(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", a.pk)),
            case_study_form(TITLE, "hygiene-bamako", "publish"),
        )
    assert response.status_code == 302, form_errors(response)
    assert CaseStudyPage.objects.get(slug="hygiene-bamako").live
    assert mail.outbox == []

    # A partner who has left the partnership hears no more of the items they wrote.
    page = make_case_study(a, title="Stock audits in Bamako", live=False)
    page.owner = partner
    page.save()
    partner.groups.remove(a.partner_group.group)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            case_study_form("Stock audits in Bamako", page.slug, "publish"),
        )
    assert CaseStudyPage.objects.get(pk=page.pk).live
    assert mail.outbox == []


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
