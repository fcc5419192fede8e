"""Who may do what in the admin, checked for every admin URL and every role.

1. The table (admin_permission_table.py): each row's outcome for each role, GET and POST; a
   refused request changes nothing; no answer shows a partnership's unpublished work or private
   uploads to anyone outside it.
2. Completeness: every URL pattern under /admin/ has a row, so a new view cannot slip in unchecked.
3. The classes of hole Wagtail's recent advisories fixed, tried as this site's partners would:
   revisions of another page, history, copy, preview, revert, translation, and field-level edits
   sent in crafted POSTs.
4. Uploads stay in their partnership; people stay with the partnerships their content needs.
"""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import get_resolver, resolve, reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Revision

from knowledge.models import CaseStudyPage
from knowledge.publishing.setup import ensure_publishing_setup
from tests.knowledge.test_partner_publishing import case_study_form

from .admin_permission_table import CHECKS, ROLES, SECRETS_OF_A, SECRETS_OF_B

# The fixtures `world` and `as_role`, kept out of a conftest shared with the other security tests.
pytest_plugins = ["tests.security.admin_world"]

REFUSALS = {"login", "denied", "404", "405", "400"}
PERMISSION_MESSAGES = (
    "Sorry, you do not have permission to access this area.",
    "You do not have permission to access the admin.",
)
# What a request may write without changing content: the session, the user's own preferences,
# editing presence and saved form state, image renditions (a cache), comment subscriptions.
BOOKKEEPING_TABLES = {
    "django_session",
    "wagtailusers_userprofile",
    "wagtailadmin_editingsession",
    "wagtailadmin_formstate",
    "wagtailimages_rendition",
    "wagtailcore_pagesubscription",
}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
REF = re.compile(r"(?<!\w)@(\w+)")
# Whose unpublished work each role must never be shown.
OUTSIDERS = {"anonymous": SECRETS_OF_A + SECRETS_OF_B, "partner_a": SECRETS_OF_B, "partner_b": SECRETS_OF_A}


# Walking the table --------------------------------------------------------------------------------


def _refs(world, value):
    if isinstance(value, str):
        return REF.sub(lambda m: str(world.pk(m.group(1))), value)
    if isinstance(value, dict):
        return {_refs(world, k): _refs(world, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_refs(world, v) for v in value]
    return value


def url_for(world, check) -> str:
    path = check.view if check.view.startswith("/") else reverse(check.view, args=_refs(world, check.args))
    return path + (f"?{_refs(world, check.query)}" if check.query else "")


def _page_form(world, name: str) -> dict:
    if name == "new_case_study":
        return case_study_form("Table case study", "table-case-study", "submit")
    if name == "edit_a":
        return {"title": "Hijacked", "slug": "lyon-bamako"}
    return case_study_form("Hijacked", world.refs[name.removeprefix("edit_")].slug, "submit")


def post_payload(world, check) -> tuple[object, dict]:
    if isinstance(check.data, str):
        return _page_form(world, check.data), {}
    if isinstance(check.data, dict) and "json" in check.data:
        return json.dumps(_refs(world, check.data["json"])), {"content_type": "application/json"}
    return _refs(world, check.data or {}), {}


class WriteRecorder:
    """The tables a request writes to, bookkeeping aside (lighter than capturing every query)."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        if (found := WRITE.match(sql)) and found.group(1) not in BOOKKEEPING_TABLES:
            self.tables.add(found.group(1))
        return execute(sql, params, many, context)


def outcome_of(response, writes: set[str]) -> str:
    code = response.status_code
    if code in (301, 302) and response.url.startswith(reverse("wagtailadmin_login")):
        return "login"
    if code == 403:
        return "denied"
    if code == 302 and any(str(m).strip() in PERMISSION_MESSAGES for m in get_messages(response.wsgi_request)):
        return "denied"
    if code in (400, 404, 405, 500):
        return str(code)
    if code < 400:
        return "done" if writes else "ok"
    return str(code)


def body_text(response) -> str:
    kind = response.get("Content-Type", "")
    if getattr(response, "streaming", False) or not any(t in kind for t in ("html", "json", "text", "javascript")):
        return ""
    return response.content.decode(errors="replace")


def _forget_caches():
    # A request's changes are rolled back: so must be what it cached from them (site root paths...).
    for cache in caches.all():
        cache.clear()


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("check", CHECKS, ids=[c.label for c in CHECKS])
def test_admin_permission_table(world, as_role, check, method):
    url = url_for(world, check)
    payload, extra = post_payload(world, check) if method == "POST" else (None, {})
    expected, problems = check.expected(method), []
    for role in ROLES:
        client = as_role(role)
        with transaction.atomic():
            recorder = WriteRecorder()
            with connection.execute_wrapper(recorder):
                response = client.get(url) if method == "GET" else client.post(url, payload, **extra)
            writes = recorder.tables
            outcome = outcome_of(response, writes)
            # A plain redirect to another admin view: what the user gets is that view's answer.
            for _hop in range(2):
                if not (method == "GET" and outcome == "ok" and response.status_code == 302):
                    break
                if not response.url.startswith("/admin/"):
                    break
                response = client.get(response.url)
                outcome = outcome_of(response, writes)
            if outcome != expected[role]:
                problems.append(f"{role}: expected {expected[role]}, got {outcome}")
            if outcome in REFUSALS and writes:
                problems.append(f"{role}: refused ({outcome}) but wrote to {sorted(writes)}")
            leaked = [secret for secret in OUTSIDERS.get(role, ()) if secret in body_text(response)]
            if leaked:
                problems.append(f"{role}: the answer shows {leaked}")
            transaction.set_rollback(True)
        if writes:
            _forget_caches()
    assert not problems, f"{method} {url} ({check.why or 'no note'})\n" + "\n".join(problems)


# Completeness --------------------------------------------------------------------------------------


def _join(prefix: str, route: str) -> str:
    # As Django's resolver joins routes for ResolverMatch.route.
    return route if not prefix else prefix + route.removeprefix("^")


def admin_url_patterns() -> set[str]:
    def walk(patterns, prefix):
        for pattern in patterns:
            route = _join(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    return {route for route in walk(get_resolver().url_patterns, "") if route.startswith("admin/")}


def test_every_admin_url_pattern_is_in_the_table(world, db):
    patterns = admin_url_patterns()
    covered = {resolve(urlsplit(url_for(world, check)).path).route for check in CHECKS}
    assert covered <= patterns, f"rows outside the admin: {sorted(covered - patterns)}"
    missing = sorted(patterns - covered)
    assert not missing, (
        f"{len(missing)} admin URL pattern(s) with no row in tests/security/admin_permission_table.py; "
        "add one saying what each role must get:\n" + "\n".join(missing)
    )
    assert len(patterns) > 250  # the walk found the admin (288 patterns with Wagtail 8.0)


# What Wagtail's advisories were about, tried by this site's partners -------------------------------------


def _refused(response) -> bool:
    return outcome_of(response, set()) in REFUSALS


def test_revisions_of_another_page_are_not_reached_through_ones_own(world, as_role):
    """Compare, view, revert and workflow history take a page id and a revision (or state) id:
    partner B's own page with A's ids must not show A's drafts (Wagtail 7.0.7/7.3.2 fixes)."""
    client = as_role("partner_b")
    b_live, a_revision, a_review = world.pk("b_live"), world.pk("a_revision"), world.refs["a_review"]
    review_revision = a_review.latest_revision_id
    for url in (
        reverse("wagtailadmin_pages:revisions_compare", args=(b_live, "live", a_revision)),
        reverse("wagtailadmin_pages:revisions_compare", args=(b_live, a_revision, review_revision)),
        reverse("wagtailadmin_pages:revisions_view", args=(b_live, a_revision)),
        reverse("wagtailadmin_pages:revisions_revert", args=(b_live, a_revision)),
        reverse("wagtailadmin_pages:workflow_history_detail", args=(b_live, world.pk("a_workflow_state"))),
        reverse("wagtailadmin_pages:workflow_preview", args=(b_live, world.pk("task"))),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert not any(secret in body_text(response) for secret in SECRETS_OF_A), url
    response = client.post(reverse("wagtailadmin_pages:revisions_revert", args=(b_live, a_revision)))
    assert _refused(response) or response.status_code == 404
    assert "Bamako" not in Page.objects.get(pk=b_live).specific.get_latest_revision_as_object().title


def test_copying_across_partnerships_creates_nothing(world, as_role):
    """The copy view (Wagtail 7.0.7/7.3.2 fix): neither B's item copied under A (its revisions
    would come along), nor A's item copied to under B."""
    client = as_role("partner_a")
    before = Page.objects.count()
    copy = reverse("wagtailadmin_pages:copy", args=(world.pk("b_live"),))
    assert _refused(client.get(copy))
    client.post(copy, {"new_title": "Copied", "new_slug": "copied-b", "new_parent_page": world.pk("a")})
    own = reverse("wagtailadmin_pages:copy", args=(world.pk("a_live"),))
    client.post(own, {"new_title": "Copied", "new_slug": "copied-a", "new_parent_page": world.pk("b")})
    api = reverse("wagtailadmin_api:pages:action", args=(world.pk("b_live"), "copy"))
    client.post(api, json.dumps({"destination_page_id": world.pk("a")}), content_type="application/json")
    assert Page.objects.count() == before
    assert not Page.objects.filter(title="Copied").exists()


def test_a_partner_copy_of_their_own_item_is_a_draft_whatever_the_post_says(world, as_role):
    client = as_role("partner_a")
    url = reverse("wagtailadmin_pages:copy", args=(world.pk("a_live"),))
    response = client.post(
        url,
        {
            "new_title": "Bamako copy",
            "new_slug": "bamako-copy",
            "new_parent_page": world.pk("a"),
            "publish_copies": "on",  # fields the form does not offer a partner
            "alias": "on",
            "copy_subpages": "on",
        },
    )
    assert response.status_code == 302
    copy = Page.objects.get(slug="bamako-copy")
    assert not copy.live and copy.alias_of_id is None and copy.get_parent().pk == world.pk("a")


def _case_study(world, name: str) -> CaseStudyPage:
    return CaseStudyPage.objects.get(pk=world.pk(name))


def test_field_level_edits_in_a_crafted_post_change_only_what_the_form_offers(world, as_role):
    """A partner's edit form has no owner, lock, live state, first publication, partnership,
    locale or privacy; sending them anyway changes none of them, and a go-live date does not
    publish without review."""
    a_live = _case_study(world, "a_live")
    owner, first_published = a_live.owner_id, a_live.first_published_at
    client = as_role("partner_a")
    data = case_study_form(
        "Bamako live item, edited",
        a_live.slug,
        "submit",
        owner=world.pk("user_editor"),
        locked="on",
        locked_by=world.pk("user_partner_a"),
        live="on",
        has_unpublished_changes="",
        first_published_at="2001-01-01 00:00",
        last_published_at="2001-01-01 00:00",
        partnership=world.pk("b"),
        locale=world.pk("locale_fr"),
        translation_key="00000000-0000-0000-0000-000000000000",
        alias_of=world.pk("b_live"),
        latest_revision=world.pk("b_revision"),
        path="000100010001",
        depth="2",
        content_type=1,
        restriction_type="password",
        password="x",
        go_live_at=(timezone.now() - timezone.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        expire_at="",
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(a_live.pk,)), data)
    assert response.status_code == 302
    call_command("publish_scheduled", stdout=io.StringIO())
    a_live = _case_study(world, "a_live")
    assert a_live.live and a_live.title == "Bamako live item"  # the live version is the reviewed one
    assert a_live.workflow_in_progress  # the edit waits for the editors
    assert (a_live.owner_id, a_live.first_published_at) == (owner, first_published)
    assert not a_live.locked and a_live.locked_by is None
    assert a_live.partnership_id == world.pk("a") and a_live.get_parent().pk == world.pk("a")
    assert a_live.locale.language_code == "en" and a_live.alias_of_id is None
    assert not a_live.get_view_restrictions().exists()
    assert not Revision.page_revisions.filter(object_id=str(a_live.pk), approved_go_live_at__isnull=False).exists()


def test_a_partner_add_post_cannot_publish_or_pick_another_owner(world, as_role):
    client = as_role("partner_a")
    url = reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", world.pk("a")))
    data = case_study_form("Bamako new item", "bamako-new", "publish", owner=world.pk("user_editor"), live="on")
    client.post(url, data)
    page = CaseStudyPage.objects.get(slug="bamako-new")
    assert not page.live and page.owner_id == world.pk("user_partner_a") and page.partnership_id == world.pk("a")
    # ...nor add under another partnership by changing the parent in the URL.
    url = reverse("wagtailadmin_pages:add", args=("knowledge", "casestudypage", world.pk("b")))
    assert _refused(client.post(url, case_study_form("Bamako stray item", "bamako-stray", "submit")))
    assert not Page.objects.filter(slug="bamako-stray").exists()


def test_an_approved_schedule_publishes_the_approved_revision_not_a_partners_later_edit(world, as_role):
    scheduled, approved = _case_study(world, "a_scheduled"), world.refs["a_scheduled_revision"]
    client = as_role("partner_a")
    data = case_study_form(
        "Hijacked schedule",
        scheduled.slug,
        "submit",
        go_live_at=(timezone.now() - timezone.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    )
    client.post(reverse("wagtailadmin_pages:edit", args=(scheduled.pk,)), data)
    Revision.objects.filter(pk=approved.pk).update(approved_go_live_at=timezone.now() - timezone.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    scheduled = _case_study(world, "a_scheduled")
    assert scheduled.live and scheduled.title == "Bamako scheduled item"
    assert not Revision.page_revisions.filter(
        object_id=str(scheduled.pk), approved_go_live_at__isnull=False, content__title="Hijacked schedule"
    ).exists()


def test_reverting_is_a_new_draft_for_a_partner_never_a_publication(world, as_role):
    a_live = _case_study(world, "a_live")
    old = a_live.revisions.order_by("created_at").first()
    client = as_role("partner_a")
    client.post(
        reverse("wagtailadmin_pages:revisions_revert", args=(a_live.pk, old.pk)),
        case_study_form("Bamako reverted", a_live.slug, "publish"),
    )
    client.post(
        reverse("wagtailadmin_api:pages:action", args=(a_live.pk, "revert_to_page_revision")),
        json.dumps({"revision_id": old.pk}),
        content_type="application/json",
    )
    a_live = _case_study(world, "a_live")
    assert a_live.live and a_live.title == "Bamako live item" and a_live.has_unpublished_changes


def test_previews_of_another_partnerships_item_are_refused_with_any_data(world, as_role):
    """Preview endpoints render whatever form data they are sent (Wagtail 6.3.6 advisory): none
    of them may render for a page, a parent or a setting the user may not edit."""
    client = as_role("partner_b")
    data = case_study_form("Preview by B", "preview-by-b")
    for url in (
        reverse("wagtailadmin_pages:preview_on_edit", args=(world.pk("a_review"),)),
        reverse("wagtailadmin_pages:preview_on_add", args=("knowledge", "casestudypage", world.pk("a"))),
        reverse("wagtailsettings:preview_on_edit", args=("home", "sitesettings", world.pk("site"))),
    ):
        assert _refused(client.post(url, data)), url
        response = client.get(url)
        assert _refused(response), url
        assert "Preview by B" not in body_text(response) and "Bamako" not in body_text(response)


def test_translations_stay_in_their_partnership(world, as_role):
    """Partner A translates A's items into the languages A's partnership is translated into; the
    translation is a draft under A's translated partnership, which A's partners edit and B's do
    not. B reaches none of it through wagtail-localize's views."""
    french_a = Page.objects.get(translation_key=world.refs["a"].translation_key, locale__language_code="fr")
    submit = reverse("wagtail_localize:submit_page_translation", args=(world.pk("a_scheduled"),))
    partner_b = as_role("partner_b")
    assert _refused(partner_b.post(submit, {"locales": [world.pk("locale_fr")]}))
    api = reverse("wagtailadmin_api:pages:action", args=(world.pk("a_scheduled"), "copy_for_translation"))
    response = partner_b.post(api, json.dumps({"locale": "fr"}), content_type="application/json")
    assert response.status_code in (403, 404)
    assert not Page.objects.filter(locale__language_code="fr", title="Bamako scheduled item").exists()

    partner_a = as_role("partner_a")
    form = partner_a.get(submit)
    assert form.status_code == 200
    offered = {int(value) for value in re.findall(r'name="locales" value="(\d+)"', form.content.decode())}
    assert offered == {world.pk("locale_fr")}  # not Portuguese or Spanish: A's partnership is not in them
    assert partner_a.post(submit, {"locales": [world.pk("locale_fr")]}).status_code == 302
    translated = Page.objects.get(locale__language_code="fr", translation_key=world.refs["a_scheduled"].translation_key)
    assert translated.get_parent().pk == french_a.pk
    assert not translated.live  # a draft, published by an editor
    edit = reverse("wagtailadmin_pages:edit", args=(translated.pk,))
    assert partner_a.get(edit).status_code == 200
    assert _refused(as_role("partner_b").get(edit))

    # The translation editor's string API, PO files and the report, across partnerships.
    translation, segment = world.refs["a_translation"], world.refs["a_string_segment"]
    string_url = reverse("wagtail_localize:edit_string_translation", args=(translation.pk, segment.pk))
    assert (
        as_role("partner_b")
        .put(string_url, "value=Pirate", content_type="application/x-www-form-urlencoded")
        .status_code
        == 403
    )
    own = as_role("partner_a").put(
        string_url, "value=Article traduit", content_type="application/x-www-form-urlencoded"
    )
    assert own.status_code == 201
    po_url = reverse("wagtail_localize:download_pofile", args=(translation.pk,))
    assert "Article traduit" in as_role("partner_a").get(po_url).content.decode()
    assert _refused(as_role("partner_b").get(po_url))
    report = reverse("wagtail_localize:translations_report")
    assert "Bamako live item" in body_text(as_role("partner_a").get(report))
    assert "Bamako live item" not in body_text(as_role("partner_b").get(report))
    assert "Bamako live item" in body_text(as_role("editor").get(report))


# Uploads stay in their partnership's collection ------------------------------------------------------


def test_partners_list_choose_and_preview_only_their_own_uploads(world, as_role):
    own, other = ("Bamako private scan", "Bamako private report"), ("Kisumu private scan", "Kisumu private report")
    client = as_role("partner_a")
    seen = ""
    for url in (
        reverse("wagtailimages:index"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtailimages_chooser:choose_results") + "?q=private",
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtaildocs_chooser:choose_results") + "?q=private",
        reverse("wagtailadmin_api:images:listing"),
        reverse("wagtailadmin_api:documents:listing"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        seen += body_text(response)
        assert not any(title in body_text(response) for title in other), url
    assert all(title in seen for title in own)
    b_image, b_document = world.pk("b_image"), world.pk("b_document")
    for url in (
        reverse("wagtailimages:preview", args=(b_image, "original")),
        reverse("wagtailimages_chooser:chosen", args=(b_image,)),
        reverse("wagtailimages_chooser:select_format", args=(b_image,)),
        reverse("wagtailimages:image_usage", args=(b_image,)),
        reverse("wagtaildocs_chooser:chosen", args=(b_document,)),
        reverse("wagtailadmin_api:images:detail", args=(b_image,)),
        reverse("wagtailadmin_api:documents:detail", args=(b_document,)),
    ):
        assert _refused(client.get(url)), url


def test_uploads_cannot_be_put_in_another_partnerships_collection(world, as_role):
    client = as_role("partner_a")
    a_image, a_document = world.pk("a_image"), world.pk("a_document")
    b_collection = world.pk("b_collection")
    client.post(reverse("wagtailimages:edit", args=(a_image,)), {"title": "Moved", "collection": b_collection})
    client.post(reverse("wagtaildocs:edit", args=(a_document,)), {"title": "Moved", "collection": b_collection})
    for kind in ("wagtailimages/image", "wagtaildocs/document"):
        app, model = kind.split("/")
        ids = a_image if model == "image" else a_document
        client.post(
            reverse("wagtail_bulk_action", args=(app, model, "add_to_collection")) + f"?id={ids}",
            {"collection": b_collection},
        )
    client.post(
        reverse("wagtailimages:add"),
        {"title": "Planted", "collection": b_collection, "file": get_test_image_file("planted.png", size=(8, 8))},
    )
    assert Image.objects.get(pk=a_image).collection_id == world.pk("a_collection")
    assert Document.objects.get(pk=a_document).collection_id == world.pk("a_collection")
    assert not Image.objects.filter(collection_id=b_collection).exclude(pk=world.pk("b_image")).exists()


# People: partners see the people their own content needs ---------------------------------------------


def _chooser_names(client) -> str:
    return body_text(client.get(reverse("wagtailsnippetchoosers_knowledge_person:choose_results")))


def test_the_person_chooser_offers_a_partner_only_the_people_their_content_needs(world, as_role):
    # Each partnership's colleague works at its institution and speaks only in its draft testimonial.
    names = _chooser_names(as_role("partner_a"))
    assert "Bamako colleague" in names and "Moussa Keita" in names
    assert "Kisumu colleague" not in names
    assert "Kisumu colleague" in _chooser_names(as_role("partner_b"))
    assert "Bamako colleague" not in _chooser_names(as_role("partner_b"))
    editor_names = _chooser_names(as_role("editor"))
    assert "Bamako colleague" in editor_names and "Kisumu colleague" in editor_names

    # Once credited on a published item, a person is public: every partner may credit them.
    testimonial = world.refs["b_testimonial"]
    testimonial.save_revision().publish()
    assert "Kisumu colleague" in _chooser_names(as_role("partner_a"))


def test_partners_have_no_people_list_and_existing_groups_lose_it_after_migrate(world, as_role):
    client = as_role("partner_a")
    assert _refused(client.get(reverse("wagtailsnippets_knowledge_person:list")))
    assert client.get(reverse("wagtailsnippets_knowledge_institution:list")).status_code == 200
    group = Group.objects.get(pk=world.pk("a_group"))
    group.permissions.add(Permission.objects.get(content_type__app_label="knowledge", codename="view_person"))
    ensure_publishing_setup()
    assert not group.permissions.filter(codename="view_person").exists()
    assert group.permissions.filter(codename="view_institution").exists()


def test_partners_menus_lead_only_to_what_they_may_open(world, as_role):
    for role, shown in (("partner_a", False), ("editor", True)):
        dashboard = body_text(as_role(role).get(reverse("wagtailadmin_home")))
        for report in ("Page types usage", "Aging pages"):
            assert (report in dashboard) is shown, (role, report)
        assert ("Workflows" in dashboard) is True, role
