"""Forms for partners who are not web editors: a draft needs only a title, a submission names
everything it still lacks at once, the dashboard shows the partnership's items, authors are added
from the form, and the words are plain."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from knowledge.models import CaseStudyPage, KnowledgeItemPage, Person, TestimonialPage
from tests.factories import make_case_study, make_testimonial
from tests.knowledge.test_partner_publishing import as_user, case_study_form, form_errors, invite

pytestmark = pytest.mark.django_db


# Every field a partner's browser sends with only the title typed in and the rest emptied.
EMPTY_FIELDS = {
    "casestudypage": {
        "summary": "",
        "publication_date": "",
        "tags": "",
        "licence": "CC-BY-4.0",
        "period_start": "",
        "period_end": "",
        "body": streamfield([]),
        "authors": inline_formset([]),
        "outcomes": inline_formset([]),
        "attachments": inline_formset([]),
    },
    "lessonpage": {
        "lesson": "",
        "summary": "",
        "publication_date": "",
        "tags": "",
        # An empty rich text editor sends null.
        "context": "null",
        "what_worked": "null",
        "what_did_not": "null",
        "recommendation": "null",
        "case_study_links": inline_formset([]),
    },
    "testimonialpage": {
        "quote": "",
        "speaker": "",
        "speaker_role": "",
        "institution": "",
        "given_on": "",
        "summary": "",
        "publication_date": "",
        "tags": "",
    },
}


def title_only(model_name: str, title: str, action: str | None = None) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": re.sub(r"\W+", "-", title.lower()).strip("-"),
            "language": "en",
            **EMPTY_FIELDS[model_name],
            **({f"action-{action}": action} if action else {}),
        }
    )


def add_url(model_name: str, partnership) -> str:
    return reverse("wagtailadmin_pages:add", args=("knowledge", model_name, partnership.pk))


# A draft needs only a title ---------------------------------------------------------------------


@pytest.mark.parametrize("model_name", ["casestudypage", "lessonpage", "testimonialpage"])
def test_a_partner_saves_a_draft_with_only_a_title(client, partnerships, people, model_name):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    response = client.post(add_url(model_name, a), title_only(model_name, "Notes for later"))
    assert response.status_code == 302, form_errors(response)
    page = KnowledgeItemPage.objects.get(title="Notes for later").specific
    assert not page.live and page.partnership == a and page.get_parent().pk == a.pk
    assert page.summary == "" and page.publication_date is None and not page.focus_areas.exists()
    assert not page.workflow_in_progress

    # The partner keeps working on it: the draft opens, saves again, previews and shows as a draft.
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, title_only(model_name, "Notes for later, again") | {"slug": page.slug})
    assert response.status_code == 302, form_errors(response)
    view_draft = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))
    assert view_draft.status_code == 200 and "Notes for later, again" in view_draft.content.decode()
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    assert client.post(preview_url, title_only(model_name, "Notes, previewed") | {"slug": page.slug}).json() == {
        "is_valid": True,
        "is_available": True,
    }
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "Notes, previewed" in preview.content.decode()
    # Admin search indexes drafts too.
    assert client.get(reverse("wagtailadmin_pages:search"), {"q": "notes"}).status_code == 200


SUBMISSION_NEEDS = {
    "casestudypage": ["Summary", "Publication date", "Focus areas", "Body"],
    "lessonpage": [
        "The lesson, in one sentence",
        "Summary",
        "Publication date",
        "Focus areas",
        "Context",
        "What worked",
        "What did not work",
        "Recommendation",
    ],
    "testimonialpage": ["Quote", "Speaker", "Consent recorded", "Summary", "Publication date", "Focus areas"],
}


@pytest.mark.parametrize("model_name", ["casestudypage", "lessonpage", "testimonialpage"])
def test_submitting_an_incomplete_draft_names_every_missing_field_at_once(client, partnerships, people, model_name):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    client.post(add_url(model_name, a), title_only(model_name, "Half-written"))
    page = Page.objects.get(title="Half-written")

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        title_only(model_name, "Half-written", "submit") | {"slug": page.slug},
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    (summary,) = [m for m in messages if "please fill in" in m]
    named = re.findall(r"“([^”]+)”", summary)
    assert sorted(named) == sorted(SUBMISSION_NEEDS[model_name])
    page.refresh_from_db()
    assert not page.workflow_in_progress and not page.live  # nothing was submitted

    # Creating and submitting in one go is refused the same way, and creates nothing.
    response = client.post(add_url(model_name, a), title_only(model_name, "Straight to review", "submit"))
    assert response.status_code == 200
    assert "please fill in" in response.content.decode()
    assert not Page.objects.filter(title="Straight to review").exists()


def test_a_complete_draft_is_submitted_for_review(client, partnerships, people):
    a, _b = partnerships
    as_user(client, people["partner_a"])
    client.post(add_url("casestudypage", a), title_only("casestudypage", "Grows into a case study"))
    page = CaseStudyPage.objects.get(title="Grows into a case study")
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        case_study_form("Grows into a case study", page.slug, "submit"),
    )
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    assert page.workflow_in_progress and page.publication_date.isoformat() == "2025-03-01"


def test_a_testimonial_without_consent_is_never_published(partnerships):
    a, _b = partnerships
    draft = make_testimonial(a, title="No consent yet", consent_recorded=False, live=False)
    assert TestimonialPage.objects.get(pk=draft.pk).consent_recorded is False
    with pytest.raises(ValidationError, match="consent"):
        draft.save_revision().publish()
    assert not TestimonialPage.objects.get(pk=draft.pk).live


# The partner's dashboard ------------------------------------------------------------------------


def dashboard_sections(client) -> dict[str, str]:
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    return dict(re.findall(r'<section class="partner-items__state" data-state="(\w+)".*?>(.*?)</section>', html, re.S))


def test_the_dashboard_shows_the_partnerships_items_by_state_and_how_to_add_more(client, partnerships, people):
    a, b = partnerships
    make_case_study(a, title="Published in Bamako")
    make_case_study(b, title="Kisumu's own draft", live=False)
    as_user(client, people["partner_a"])
    for title in ("Still a draft", "Sent for review", "Sent back"):
        client.post(add_url("casestudypage", a), title_only("casestudypage", title))
    for title in ("Sent for review", "Sent back"):
        page = Page.objects.get(title=title)
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)), case_study_form(title, page.slug, "submit")
        )
        assert response.status_code == 302, form_errors(response)
    sent_back = Page.objects.get(title="Sent back")
    as_user(client, people["editor"])
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(sent_back.pk, "reject", sent_back.current_workflow_task_state.pk),
        ),
        {"comment": "Please add a figure."},
    )

    as_user(client, people["partner_a"])
    sections = dashboard_sections(client)
    assert "Still a draft" in sections["draft"]
    assert "Sent for review" in sections["in_review"]
    assert "Sent back" in sections["changes_requested"]
    assert "Published in Bamako" in sections["published"]
    for state, titles in sections.items():
        assert "Kisumu" not in titles, state
    draft = Page.objects.get(title="Still a draft")
    assert reverse("wagtailadmin_pages:edit", args=(draft.pk,)) in sections["draft"]

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Lyon–Bamako laboratory partnership" in home and "Dublin–Kisumu" not in home
    for model_name, label in (
        ("casestudypage", "Add a case study"),
        ("lessonpage", "Add a lesson learned"),
        ("testimonialpage", "Add a testimonial"),
    ):
        assert re.search(rf'href="{re.escape(add_url(model_name, a))}"[^>]*>.*?{label}</a>', home, re.S), label
        assert client.get(add_url(model_name, a)).status_code == 200

    # Editors, who are in no partnership, keep Wagtail's dashboard.
    as_user(client, people["editor"])
    assert dashboard_sections(client) == {}


# Adding an author from the form -----------------------------------------------------------------


def test_a_partner_adds_an_author_of_their_own_institutions_from_the_chooser(client, partnerships, people):
    a, b = partnerships
    own, other = a.south_institutions.first(), b.south_institutions.first()
    create_url = reverse("wagtailsnippetchoosers_knowledge_person:create")
    choose_url = reverse("wagtailsnippetchoosers_knowledge_person:choose")
    as_user(client, people["partner_a"])

    modal = client.get(choose_url).json()["html"]
    assert "Add a person" in modal and create_url in modal
    offered = re.search(r'<select name="institution".*?</select>', modal, re.S).group(0)
    assert own.name in offered and other.name not in offered

    def add(**data):
        response = client.post(create_url, {"name": "Aminata Diallo", "role": "Lab manager", **data})
        assert response.status_code == 200
        return response.json()

    refused = add(institution=other.pk, orcid="")
    assert refused["step"] == "reshow_creation_form" and "Select a valid choice" in refused["htmlFragment"]
    assert "This field is required" in add(institution="", orcid="")["htmlFragment"]
    assert "wrong check digit" in add(institution=own.pk, orcid="0000-0002-1825-0098")["htmlFragment"]
    assert "sixteen characters" in add(institution=own.pk, orcid="12345")["htmlFragment"]
    assert not Person.objects.filter(name="Aminata Diallo").exists()

    chosen = add(institution=own.pk, orcid="https://orcid.org/0000-0002-1825-0097")
    assert chosen["step"] == "chosen", chosen.get("htmlFragment")
    assert chosen["result"]["string"] == "Aminata Diallo"
    person = Person.objects.get(name="Aminata Diallo")
    assert person.institution == own and person.orcid == "0000-0002-1825-0097"
    assert str(person.pk) == str(chosen["result"]["id"])

    assert "Aminata Diallo" in client.get(choose_url, {"q": "Aminata"}).json()["html"]

    # The other partnership's partner never sees A's new colleague.
    as_user(client, people["partner_b"])
    chosen_url = reverse("wagtailsnippetchoosers_knowledge_person:chosen", args=(person.pk,))
    assert client.get(chosen_url).status_code == 404
    assert "Aminata Diallo" not in client.get(choose_url, {"q": "Aminata"}).json()["html"]
    assert client.get(reverse("wagtailsnippets_knowledge_person:list")).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_knowledge_person:add")).status_code in (302, 403)


def test_editors_add_people_of_any_institution_from_the_chooser(client, partnerships, people):
    _a, b = partnerships
    as_user(client, people["editor"])
    response = client.post(
        reverse("wagtailsnippetchoosers_knowledge_person:create"),
        {"name": "Grace Achieng", "role": "", "institution": "", "orcid": ""},
    )
    assert response.json()["step"] == "chosen", re.findall(
        r"error[^>]*>([^<]+)<", response.json().get("htmlFragment", "")
    )
    assert Person.objects.get(name="Grace Achieng").institution is None


# Plain words ------------------------------------------------------------------------------------


def test_the_invitation_names_the_username_and_the_set_password_page_says_set_password(client, partnerships):
    code, _output = invite("Awa.Traore@example.org", "--partnership", "lyon-bamako")
    assert code == 0
    body = mail.outbox[-1].body
    assert "Your username: awa.traore@example.org" in body
    assert "“Set password”" in body and "“Submit for review”" in body
    link = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", body).group(1)

    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.get(form_url).content.decode()
    assert re.search(r'<button type="submit" class="button">\s*Set password\s*</button>', page)
    assert "Your username is <strong>awa.traore@example.org</strong>" in page
    assert "Reset password" not in page
    client.post(form_url, {"new_password1": "Sahel-2026-lab!", "new_password2": "Sahel-2026-lab!"})

    login = client.get(reverse("wagtailadmin_login")).content.decode()
    assert re.search(r"<label[^>]*>\s*Username or e-mail address", login)
    # Typed as in the invitation's address, capitals and all.
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "Awa.Traore@example.org", "password": "Sahel-2026-lab!"}
    )
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    client.logout()
    response = client.post(reverse("wagtailadmin_login"), {"username": "Awa.Traore@example.org", "password": "wrong"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_partner_reads_submit_for_review_and_changes_requested(client, partnerships, people):
    a, _b = partnerships
    partner = people["partner_a"]
    as_user(client, partner)
    client.post(add_url("casestudypage", a), title_only("casestudypage", "Plain words"))
    page = Page.objects.get(title="Plain words")
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    editing = client.get(edit_url).content.decode()
    assert re.search(r'name="action-submit"[^>]*>.*?Submit for review\s*<', editing, re.S)
    assert "Submit to Alliance review" not in editing
    assert "Submit for review" in client.get(add_url("lessonpage", a)).content.decode()

    client.post(edit_url, case_study_form("Plain words", page.slug, "submit"))
    page.refresh_from_db()
    as_user(client, people["editor"])
    mail.outbox.clear()
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", page.current_workflow_task_state.pk)),
        {"comment": "Please add the baseline figure."},
    )
    (message,) = [m for m in mail.outbox if partner.email in m.to]
    assert message.subject == "Changes requested: “Plain words”"
    assert "elena asked for changes to “Plain words”" in message.body
    assert "Their comment:\nPlease add the baseline figure." in message.body
    assert "rejected" not in message.subject + message.body

    as_user(client, partner)
    editing = client.get(edit_url).content.decode()
    assert re.search(r'name="action-submit"[^>]*>.*?Submit for review again\s*<', editing, re.S)
    assert "Plain words" in dashboard_sections(client)["changes_requested"]
