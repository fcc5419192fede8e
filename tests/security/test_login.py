"""Partner sign-in is throttled (django-axes, config/security/login.py): from the LOGIN_FAILURE_LIMIT-th
failure for a username from one address, until the cool-off ends, every attempt for it from there
answers 429 with a reason, the same whether the account exists or not and whatever the password;
sign-ins from one address across usernames are rate-limited; an unknown user and a wrong password
are answered identically, in about the same time."""

import re
import statistics
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "Sahel-2026-lab!"


@pytest.fixture
def partner(django_user_model):
    return django_user_model.objects.create_user("awa", "awa@example.org", PASSWORD)


@pytest.fixture
def throttle(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


def sign_in(client, username, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"CSRF_TOKEN": ")[^"]+"')


def page(response) -> bytes:
    """The body a person sees, less the per-response CSRF token (in the form and Wagtail's config)."""
    return CSRF.sub(rb"\1", response.content)


def test_a_partner_signs_in_with_the_right_password(client, partner, throttle):
    response = sign_in(client, "awa", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(client, partner, throttle):
    wrong_password = sign_in(client, "awa", "not-the-password")
    unknown_user = sign_in(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert b"Your username and password didn&#x27;t match" in wrong_password.content
    assert page(wrong_password).replace(b"awa", b"USER") == page(unknown_user).replace(b"nobody-here", b"USER")


def test_after_the_limit_a_username_is_refused_at_that_address_even_with_the_right_password(client, partner, throttle):
    for n in range(2):
        assert sign_in(client, "awa", f"guess-{n}").status_code == 200
    # The failure that reaches the limit is already answered with the pause...
    assert sign_in(client, "awa", "guess-2").status_code == 429
    # ...and so is every attempt after it from that address, with the right password too.
    response = sign_in(client, "awa", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert b"paused for 15 minutes" in response.content
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_nobody_can_lock_a_partner_out_from_elsewhere(client, partner, throttle):
    """Failures are counted by username and address together: someone failing on purpose with
    an editor's or a partner's username pauses only their own address."""
    for n in range(5):
        sign_in(client, "awa", f"guess-{n}", address="192.0.2.66")
    assert sign_in(client, "awa", PASSWORD, address="192.0.2.66").status_code == 429
    assert sign_in(client, "awa", PASSWORD, address="203.0.113.50").status_code == 302


def test_case_and_spaces_do_not_buy_extra_attempts(client, partner, throttle):
    for username in ("awa", "AWA", " Awa "):
        sign_in(client, username, "guess", address="192.0.2.1")
    assert sign_in(client, "awa", PASSWORD, address="192.0.2.1").status_code == 429


def test_sign_ins_from_one_address_across_usernames_are_limited(client, partner, throttle):
    """Guessing across accounts from one address is bounded by the sign-in rate limit (POSTs
    only: showing the form is free); another address is not affected."""
    throttle.RATE_LIMIT_ENABLED = True
    throttle.RATE_LIMITS = {**throttle.RATE_LIMITS, "sign_in": "4/15m"}
    throttle.TRUSTED_PROXY_COUNT = 0
    for n in range(4):
        assert client.get(LOGIN, REMOTE_ADDR="198.51.100.7").status_code == 200
        assert sign_in(client, f"someone-{n}", "guess").status_code == 200
    response = sign_in(client, "awa", PASSWORD)
    assert response.status_code == 429
    assert "Too many requests from your address" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # ...while the partner, elsewhere, still gets in.
    assert sign_in(client, "awa", PASSWORD, address="203.0.113.50").status_code == 302


def test_a_locked_out_unknown_user_and_a_locked_out_partner_get_the_same_answer(client, partner, throttle):
    for username, address in (("awa", "192.0.2.10"), ("nobody-here", "192.0.2.20")):
        for n in range(3):
            sign_in(client, username, f"guess-{n}", address=address)
    partner_answer = sign_in(client, "awa", "guess", address="192.0.2.10")
    unknown_answer = sign_in(client, "nobody-here", "guess", address="192.0.2.20")
    assert partner_answer.status_code == unknown_answer.status_code == 429
    assert partner_answer["Retry-After"] == unknown_answer["Retry-After"]
    assert page(partner_answer) == page(unknown_answer)


def test_the_locked_out_page_is_the_sign_in_page_with_the_reason(client, partner, throttle):
    for n in range(3):
        sign_in(client, "awa", f"guess-{n}")
    response = sign_in(client, "awa", "guess")
    html = response.content.decode()
    assert '<form class="login-form"' in html
    assert 'class="error"' in html and "Too many failed sign-in attempts" in html
    assert "Forgotten password?" in html


def test_the_cool_off_ends(client, partner, throttle):
    for n in range(3):
        sign_in(client, "awa", f"guess-{n}")
    assert sign_in(client, "awa", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "awa", PASSWORD).status_code == 302


def test_a_success_forgets_earlier_failures(client, partner, throttle):
    for n in range(2):
        sign_in(client, "awa", f"guess-{n}")
    assert sign_in(client, "awa", PASSWORD).status_code == 302
    client.logout()
    for n in range(2):
        sign_in(client, "awa", f"again-{n}")
    assert sign_in(client, "awa", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "username",
    ["awa\x00", "x" * 10_000, "\u202eawa\u200b", "' OR 1=1 --", "", "ａｗａ"],
    ids=["nul", "10k", "bidi", "sql", "empty", "fullwidth"],
)
def test_odd_usernames_get_the_sign_in_page_never_a_500(client, partner, throttle, username):
    for _ in range(4):
        response = sign_in(client, username, "guess")
        assert response.status_code in (200, 429), response.status_code


def test_throttling_counts_the_client_behind_a_trusted_proxy(client, partner, throttle):
    throttle.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        client.post(
            LOGIN, {"username": f"x{n}", "password": "guess"}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
    assert AccessAttempt.objects.filter(ip_address="192.0.2.1").count() == 3
    other_client = client.post(
        LOGIN, {"username": "awa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other_client.status_code == 302


class FastPBKDF2(PBKDF2PasswordHasher):
    """The production hasher's algorithm with fewer rounds: what matters is that both paths run it."""

    iterations = 60_000


def test_an_unknown_user_costs_about_as_long_as_a_wrong_password(client, django_user_model, settings):
    """Django hashes the given password for an unknown user too, so timing does not tell whether an
    account exists; the throttle adds the same database work to both."""
    settings.PASSWORD_HASHERS = [f"{__name__}.FastPBKDF2"]
    settings.AXES_FAILURE_LIMIT = 1000
    django_user_model.objects.create_user("awa", "awa@example.org", PASSWORD)

    def timed(username: str) -> float:
        started = time.perf_counter()
        assert sign_in(client, username, "not-the-password").status_code == 200
        return time.perf_counter() - started

    timed("awa"), timed("nobody")  # warm both paths
    known = statistics.median(timed("awa") for _ in range(7))
    unknown = statistics.median(timed("nobody") for _ in range(7))
    print(f"wrong password {known * 1000:.1f} ms, unknown user {unknown * 1000:.1f} ms")
    assert 0.6 < unknown / known < 1.6
