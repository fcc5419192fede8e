"""Partners publish about their own partnership through review, and never reach anyone else's."""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from knowledge.models import CaseStudyPage, FocusArea, PartnerGroup
from tests.factories import make_case_study

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def case_study_form(title: str, slug: str, action: str | None = None, **extra) -> dict:
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "Peer audits raised hand hygiene compliance on every ward.",
            "publication_date": "2025-03-01",
            "language": "en",
            "tags": "",
            "licence": "CC-BY-4.0",
            "body": streamfield([("paragraph", rich_text("<p>Audits every month on every ward.</p>"))]),
            "authors": inline_formset([]),
            "outcomes": inline_formset([]),
            "attachments": inline_formset([]),
            **({f"action-{action}": action} if action else {}),
            **extra,
        }
    )
    data["focus_areas"] = [FocusArea.objects.get(slug="quality-and-safety-of-care").pk]
    return data


def form_errors(response) -> list[str]:
    return re.findall(r"error[^>]*>\s*([^<]{3,200})<", response.content.decode())


def searchable(client, text: str) -> list[str]:
    return [hit["title"] for hit in client.get("/api/search/", {"q": text}).json()["results"]]


# Groups ---------------------------------------------------------------------------------------


def test_each_partnership_has_a_partner_group_renamed_with_it(partnerships):
    a, _b = partnerships
    link = PartnerGroup.objects.get(partnership=a)
    assert link.group.name == f"Partners #{a.pk}: Lyon–Bamako laboratory partnership"
    assert link.collection.name == "Lyon–Bamako laboratory partnership"
    rights = {(p.page_id, p.permission.codename) for p in link.group.page_permissions.all()}
    assert rights == {(a.pk, "add_page"), (a.pk, "change_page")}  # no publish, nothing elsewhere

    a.title = "Lyon–Bamako laboratory quality partnership"
    a.save_revision().publish()
    link.refresh_from_db()
    assert link.group.name == f"Partners #{a.pk}: Lyon–Bamako laboratory quality partnership"

    group_id = link.group_id
    a.delete()
    assert not Group.objects.filter(pk=group_id).exists()


# Inviting partners ----------------------------------------------------------------------------


def invite(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("invite_partner", *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_an_invited_partner_sets_a_password_and_reaches_only_their_partnership(client, partnerships):
    a, b = partnerships
    code, output = invite("awa.traore@example.org", "--partnership", "lyon-bamako")
    assert code == 0 and "Created the account awa.traore@example.org" in output
    message = mail.outbox[-1]
    assert message.to == ["awa.traore@example.org"]
    assert "Lyon–Bamako laboratory partnership" in message.subject
    found = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", message.body)
    assert found, message.body
    link = found.group(1)

    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Sahel-2026-lab!", "new_password2": "Sahel-2026-lab!"})
    assert response.status_code == 302
    assert client.login(username="awa.traore@example.org", password="Sahel-2026-lab!")
    explorer = client.get(reverse("wagtailadmin_explore", args=(a.pk,)))
    assert explorer.status_code == 200
    assert client.get(reverse("wagtailadmin_explore", args=(b.pk,))).status_code in (302, 403)

    # A second partnership reuses the account: one login, both groups.
    code, output = invite("Awa.Traore@example.org", "--partnership", "dublin-kisumu")
    assert code == 0 and "Reused the existing account" in output
    user = client.get(reverse("wagtailadmin_home")).wsgi_request.user
    assert set(user.groups.values_list("partnership_link__partnership__slug", flat=True)) == {
        "lyon-bamako",
        "dublin-kisumu",
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (("not-an-address", "--partnership", "lyon-bamako"), "is not an e-mail address"),
        (("a@example.org", "--partnership", "atlantis"), "No partnership has the slug “atlantis”"),
    ],
)
def test_bad_invitations_exit_2_with_a_reason(partnerships, args, message):
    code, output = invite(*args)
    assert code == 2 and message in output
    assert not mail.outbox


# The whole path -------------------------------------------------------------------------------


def test_partner_drafts_and_submits_editor_asks_for_changes_then_approves_and_later_unpublishes(
    client, partnerships, people, django_capture_on_commit_callbacks
):
    a, _b = partnerships
    partner, editor = people["partner_a"], people["editor"]
    public = client.__class__()

    # The partner writes and submits; publishing directly is not theirs to do.
    as_user(client, partner)
    add_url = reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", a.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url, case_study_form("Hand hygiene audits in Bamako", "hygiene-bamako", "publish"))
    page = CaseStudyPage.objects.get(slug="hygiene-bamako")
    assert response.status_code in (302, 403) and not page.live  # "publish" is refused, the draft is kept
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    editing = client.get(edit_url).content.decode()
    assert 'name="action-submit"' in editing and 'name="action-publish"' not in editing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, case_study_form("Hand hygiene audits in Bamako", "hygiene-bamako", "submit"))
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    assert page.workflow_in_progress and not page.live
    assert any(editor.email in m.to for m in mail.outbox)  # reviewers are told
    # Partners follow their own items' state in the workflow report.
    assert "Hand hygiene audits in Bamako" in client.get(reverse("wagtailadmin_reports:workflow")).content.decode()
    assert public.get(page.url).status_code == 404
    assert searchable(public, "bamako hygiene") == []

    # The editor sees it in the review queue and asks for changes with a comment.
    as_user(client, editor)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Awaiting your review" in dashboard and "Hand hygiene audits in Bamako" in dashboard
    assert "Hand hygiene audits in Bamako" in client.get(reverse("wagtailadmin_reports:workflow")).content.decode()
    task_state = page.current_workflow_task_state
    mail.outbox.clear()
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk)),
        {"comment": "Please add the baseline compliance figure."},
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.workflow_in_progress and not page.live
    assert any(partner.email in m.to for m in mail.outbox)  # the partner is told by e-mail...
    as_user(client, partner)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Hand hygiene audits in Bamako" in dashboard  # ...on their dashboard, with the comment in the history
    workflow_history = client.get(reverse("wagtailadmin_pages:workflow_history", args=(page.pk,))).content.decode()
    # Wagtail's "Needs changes" and "Rejected", in the partners' words (locale/en).
    assert "Changes requested" in workflow_history
    assert "Needs changes" not in workflow_history and "Rejected" not in workflow_history
    detail = client.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=(page.pk, page.workflow_states.first().pk))
    ).content.decode()
    assert "Please add the baseline compliance figure." in detail

    # The partner revises and resubmits; the editor approves: it is public and searchable.
    as_user(client, partner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url,
            case_study_form(
                "Hand hygiene audits in Bamako",
                "hygiene-bamako",
                "submit",
                summary="Peer audits raised hand hygiene compliance from 31% to 74% on every ward.",
            ),
        )
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    as_user(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "wagtailadmin_pages:workflow_action", args=(page.pk, "approve", page.current_workflow_task_state.pk)
            ),
            {"comment": ""},
        )
    page.refresh_from_db()
    assert page.live
    assert "from 31% to 74%" in public.get(page.url).content.decode()
    assert searchable(public, "bamako hygiene") == ["Hand hygiene audits in Bamako"]

    history = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,))).content.decode()
    assert "awa" in history and "elena" in history

    # The editor unpublishes: it vanishes from every public surface.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    page.refresh_from_db()
    assert not page.live
    assert public.get(page.url).status_code == 404
    assert searchable(public, "bamako hygiene") == []
    assert "Hand hygiene audits in Bamako" not in public.get(a.url).content.decode()


def test_scheduled_publishing_and_unpublishing_run_from_the_command(client, partnerships, committed_callbacks):
    a, _b = partnerships
    page = make_case_study(a, title="Scheduled stock audit", live=False)
    page.go_live_at = timezone.now() + timezone.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()  # go_live_at is in the future: scheduled, not live
    page.refresh_from_db()
    assert not page.live and searchable(client, "scheduled stock audit") == []

    # An hour passes: the scheduled time is now behind us.
    due = timezone.now() - timezone.timedelta(minutes=1)
    revision = Revision.objects.get(pk=revision.pk)
    revision.content["go_live_at"] = due.isoformat()
    revision.approved_go_live_at = due
    revision.save()
    with committed_callbacks(execute=True):
        call_command("publish_scheduled", stdout=io.StringIO())
    page.refresh_from_db()
    assert page.live
    assert searchable(client, "scheduled stock audit") == ["Scheduled stock audit"]

    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timezone.timedelta(minutes=1))
    with committed_callbacks(execute=True):
        call_command("publish_scheduled", stdout=io.StringIO())
    page.refresh_from_db()
    assert not page.live and page.expired
    assert searchable(client, "scheduled stock audit") == []


@pytest.fixture
def committed_callbacks(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# Never leaks ----------------------------------------------------------------------------------


@pytest.fixture
def b_items(partnerships, people, client):
    """Partnership B's live item with a newer draft, and its draft in review."""
    _a, b = partnerships
    live = make_case_study(b, title="Kisumu live item")
    live.title = "Kisumu live item, secret draft revision"
    draft_revision = live.save_revision()
    in_review = make_case_study(b, title="Kisumu item in review", live=False)
    as_user(client, people["partner_b"])
    client.post(
        reverse("wagtailadmin_pages:edit", args=(in_review.pk,)),
        case_study_form("Kisumu item in review", in_review.slug, "submit"),
    )
    in_review.refresh_from_db()
    client.logout()
    assert in_review.workflow_in_progress
    return {"live": live, "revision": draft_revision, "in_review": in_review}


def _admin_views(items, target_parent):
    live, revision, in_review = items["live"], items["revision"], items["in_review"]
    task_state = in_review.current_workflow_task_state.pk
    for page in (live, in_review):
        yield "GET", reverse("wagtailadmin_pages:edit", args=(page.pk,)), {}
        yield (
            "POST",
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            case_study_form("Hijacked", page.slug, "submit"),
        )
        yield "GET", reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:view_draft", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:history", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:revisions_index", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:delete", args=(page.pk,)), {}
        yield "POST", reverse("wagtailadmin_pages:delete", args=(page.pk,)), {}
        yield "GET", reverse("wagtailadmin_pages:move", args=(page.pk,)), {}
        yield "POST", reverse("wagtailadmin_pages:move_confirm", args=(page.pk, target_parent.pk)), {}
        yield "GET", reverse("wagtailadmin_pages:copy", args=(page.pk,)), {}
        yield (
            "POST",
            reverse("wagtailadmin_pages:copy", args=(page.pk,)),
            {
                "new_title": "Copied",
                "new_slug": f"copied-{page.pk}",
                "new_parent_page": target_parent.pk,
            },
        )
        yield "POST", reverse("wagtailadmin_pages:lock", args=(page.pk,)), {}
    yield "GET", reverse("wagtailadmin_pages:revisions_view", args=(live.pk, revision.pk)), {}
    yield "GET", reverse("wagtailadmin_pages:revisions_compare", args=(live.pk, "live", revision.pk)), {}
    yield "POST", reverse("wagtailadmin_pages:revisions_revert", args=(live.pk, revision.pk)), {}
    yield "GET", reverse("wagtailadmin_pages:unpublish", args=(live.pk,)), {}
    yield "POST", reverse("wagtailadmin_pages:unpublish", args=(live.pk,)), {}
    for action in ("approve", "reject"):
        url = reverse("wagtailadmin_pages:workflow_action", args=(in_review.pk, action, task_state))
        yield "POST", url, {"comment": "Looks fine to me"}
    yield (
        "GET",
        reverse("wagtailadmin_pages:workflow_preview", args=(in_review.pk, in_review.current_workflow_task.pk)),
        {},
    )
    yield "GET", reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", live.get_parent().pk)), {}


def test_a_partner_of_a_reaches_nothing_of_b_in_any_admin_view(client, partnerships, people, b_items):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    refused = []
    for method, url, data in _admin_views(b_items, target_parent=a):
        response = client.get(url) if method == "GET" else client.post(url, data)
        body = response.content.decode() if response.status_code == 200 else ""
        if response.status_code in (302, 403, 404) and "secret draft" not in body:
            if response.status_code == 302:
                # Refusals send the user to the dashboard with a message (or to another view
                # of this list, which refuses in turn), never on to the action.
                allowed = {"/admin/", *(u for _m, u, _d in _admin_views(b_items, target_parent=a))}
                assert response.url in allowed, (method, url, response.url)
            refused.append(url)
        else:
            pytest.fail(f"{method} {url} answered {response.status_code} to another partnership's partner")
    assert len(refused) == len(list(_admin_views(b_items, target_parent=a)))

    live, in_review = b_items["live"], b_items["in_review"]
    live.refresh_from_db()
    in_review.refresh_from_db()
    assert live.live and live.title == "Kisumu live item" and not live.locked
    assert in_review.workflow_in_progress and in_review.title == "Kisumu item in review"
    assert not Page.objects.filter(title__in=["Copied", "Hijacked"]).exists()


def test_a_partner_sees_no_other_partnerships_drafts_in_listings_search_or_choosers(
    client, partnerships, people, b_items
):
    a, b = partnerships
    as_user(client, people["partner_a"])
    for url, params in (
        (reverse("wagtailadmin_pages:search"), {"q": "Kisumu"}),
        (reverse("wagtailadmin_choose_page"), {}),
        (reverse("wagtailadmin_choose_page_child", args=(b.pk,)), {}),
        (reverse("wagtailadmin_choose_page_search"), {"q": "Kisumu"}),
        (reverse("wagtailadmin_explore", args=(b.pk,)), {}),
        (reverse("wagtailadmin_home"), {}),
        (reverse("wagtailadmin_reports:workflow"), {}),
        (reverse("wagtailadmin_reports:workflow_tasks"), {}),
        (reverse("wagtailadmin_reports:site_history"), {}),
        (reverse("wagtailadmin_reports:locked_pages"), {}),
        (reverse("wagtailadmin_reports:aging_pages"), {}),
    ):
        response = client.get(url, params)
        body = response.content.decode() if response.status_code == 200 else ""
        assert "secret draft" not in body and "Kisumu item in review" not in body, url


def test_a_partner_cannot_publish_edit_their_partnership_or_change_taxonomy(client, partnerships, people):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    item = make_case_study(a, title="Lyon item", live=False)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(item.pk,)), case_study_form("Lyon item", item.slug, "publish")
    )
    item.refresh_from_db()
    assert not item.live
    assert response.status_code in (302, 403)

    assert client.get(reverse("wagtailadmin_pages:edit", args=(a.pk,))).status_code == 302
    assert client.get(reverse("wagtailadmin_pages:delete", args=(a.pk,))).status_code == 302
    for model in ("focusarea", "country", "institution", "person"):
        assert client.get(reverse(f"wagtailsnippets_knowledge_{model}:add")).status_code in (302, 403), model
    area = FocusArea.objects.first()
    client.post(reverse("wagtailsnippets_knowledge_focusarea:edit", args=(area.pk,)), {"name": "Hijacked"})
    area.refresh_from_db()
    assert area.name != "Hijacked"
    # What they may do: open the forms to add items to their own partnership.
    assert client.get(reverse("wagtailadmin_pages:add", args=("knowledge", "testimonialpage", a.pk))).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=(item.pk,))).status_code == 200
