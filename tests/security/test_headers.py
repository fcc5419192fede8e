"""Security headers on every response: a strict Content-Security-Policy on the public site, the
admin's documented relaxations, framing, sniffing, referrer, opener and permissions policies, and
`Cache-Control: private, no-store` for whatever a signed-in user is shown."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from knowledge.publishing.alliance import ALLIANCE_EDITORS
from tests.factories import make_case_study, make_lesson, make_partnership
from tests.knowledge.test_partner_publishing import case_study_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(partnership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_lesson(partnership, title="Mentoring outlasts workshops")
        return make_case_study(partnership, title="Cutting surgical site infections in Bamako")


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def public_pages(item) -> list[str]:
    return [
        "/",
        "/fr/",
        "/library/",
        "/library/in-numbers/",
        item.get_parent().url,
        item.url,
        "/search/?q=infections",
        "/search/?q=zzzznothing",
    ]


def test_public_pages_carry_a_strict_policy_and_the_other_security_headers(client, item):
    for url in public_pages(item):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def test_public_pages_need_no_inline_script_style_or_event_handler(client, item):
    """What the strict policy relies on: anything inline would be blocked in the browser."""
    for url in public_pages(item):
        html = client.get(url).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
            found = pattern.search(html)
            assert found is None, (url, html[max(0, found.start() - 80) : found.end() + 80])


def test_json_ld_is_a_data_block_which_the_policy_does_not_govern(client, item):
    html = client.get(item.url).content.decode()
    assert '<script type="application/ld+json">' in html


def test_admin_pages_use_the_documented_relaxed_policy(admin_client, item):
    for url in ("/admin/", f"/admin/pages/{item.pk}/edit/", "/admin/images/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
        assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
        assert csp["img-src"] == ["'self'", "data:", "blob:"]
        assert csp["frame-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["connect-src"] == ["'self'"]


def test_the_admin_pages_anyone_can_reach_keep_the_strict_policy(client):
    for url in ("/admin/login/", "/admin/password_reset/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == ["'self'"], url
        assert policy(response)["frame-ancestors"] == ["'none'"], url


def preview_in_the_panel(client, preview_url: str, form: dict):
    """What the editor's preview panel does (Wagtail's preview controller): it POSTs the form to
    the preview URL, then loads that URL in its iframe, a GET with `in_preview_panel=true`."""
    posted = client.post(preview_url, form)
    assert posted.json() == {"is_valid": True, "is_available": True}
    return client.get(preview_url, {"in_preview_panel": "true"})


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("elena", "elena@example.org", "pw")
    user.groups.add(Group.objects.get(name=ALLIANCE_EDITORS))
    return user


@pytest.fixture
def partner(django_user_model, partnership):
    user = django_user_model.objects.create_user("awa", "awa@example.org", "pw")
    user.groups.add(partnership.partner_group.group)
    return user


@pytest.mark.parametrize("who", ["superuser", "editor", "partner"])
def test_the_preview_panel_may_frame_the_preview_of_an_edited_page(client, admin_user, editor, partner, item, who):
    client.force_login({"superuser": admin_user, "editor": editor, "partner": partner}[who])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
    response = preview_in_the_panel(client, url, case_study_form("Surgical site infections, draft", item.slug))
    assert response.status_code == 200
    assert "Surgical site infections, draft" in response.content.decode()  # the page, not an error
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'self'"]
    # Otherwise the public page's own policy: the preview breaks where the public page would.
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"] and csp["frame-src"] == ["'none'"]


def test_the_preview_panel_may_frame_the_preview_of_a_new_page(client, partner, partnership):
    client.force_login(partner)
    url = reverse("wagtailadmin_pages:preview_on_add", args=("knowledge", "casestudypage", partnership.pk))
    response = preview_in_the_panel(client, url, case_study_form("Ward champions in Bamako", "ward-champions"))
    assert response.status_code == 200
    assert "Ward champions in Bamako" in response.content.decode()
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_no_one_else_gets_a_preview_or_a_framable_page(client, admin_client, django_user_model, item, library):
    other = make_partnership(library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu")
    outsider = django_user_model.objects.create_user("brian", "brian@example.org", "pw")
    outsider.groups.add(other.partner_group.group)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(item.pk,))
    form = case_study_form("Hijacked preview", item.slug)
    # Anonymous visitors and another partnership's partner are refused before anything renders.
    for user in (None, outsider):
        if user is not None:
            client.force_login(user)
        assert client.post(url, form).status_code in (302, 403)
        refused = client.get(url, {"in_preview_panel": "true"})
        assert refused.status_code in (302, 403)
        assert "Hijacked preview" not in refused.content.decode()
    # The public page itself stays unframable, for a signed-in editor as for anyone.
    for browser in (client, admin_client):
        response = browser.get(item.url)
        assert response.status_code == 200
        assert policy(response)["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_pages_shown_to_a_signed_in_user_are_never_stored_by_a_shared_cache(admin_client, item):
    preview_url = f"/admin/pages/{item.pk}/edit/preview/"
    preview = preview_in_the_panel(admin_client, preview_url, case_study_form("A draft title", item.slug))
    for url in [*public_pages(item), "/admin/", preview_url, "/api/search/?q=x"]:
        response = preview if url == preview_url else admin_client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_control(response), (url, response.get("Cache-Control"))
        assert "public" not in cache_control(response)
    # ...which matters because public pages then carry the Wagtail userbar.
    assert b"<wagtail-userbar" in admin_client.get(item.url).content


def test_anonymous_pages_stay_cacheable(client, item):
    for url in public_pages(item):
        assert not {"private", "no-store"} & cache_control(client.get(url)), url


def test_the_admin_sign_in_page_is_never_stored_either(client):
    assert {"private", "no-store"} <= cache_control(client.get("/admin/login/"))


def test_json_and_feeds_carry_the_headers_too(client, item):
    for url in ("/api/search/?q=x", "/api/v2/pages/", "/feeds/latest.atom", "/oai/?verb=Identify"):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert "Content-Security-Policy" in response, url


def test_security_txt_tells_where_to_report_a_flaw(client, settings):
    settings.SECURITY_CONTACT = "security@esther.example"
    settings.SECURITY_POLICY_URL = "https://esther.example/security/"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@esther.example"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    assert fields["Policy"] == "https://esther.example/security/"
    expires = timezone.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert timezone.now() < expires < timezone.now() + timedelta(days=365)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_without_a_security_contact_there_is_no_security_txt(client, settings):
    settings.SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_error_pages_carry_the_headers(client, item):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
