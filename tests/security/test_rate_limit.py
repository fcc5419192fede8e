"""Rate limits on search, exports, the search feed and the machine APIs: 429 with words and
Retry-After past the limit, counted per client address (read correctly behind trusted proxies),
in Django's cache, without slowing a normal search."""

import time

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import resolve

from config.security.client_ip import client_ip
from config.security.ratelimit import Rate, RateLimitMiddleware, parse_rate
from tests.factories import make_case_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings, monkeypatch):
    """Limits on, small enough to reach in a test, and the limiter's clock held still: windows
    are fixed, so a test that ran across a minute's end would start afresh half-way."""
    from types import SimpleNamespace

    held = (time.time() // 3600) * 3600 + 30
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: held))
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMITS = {"search": "3/m", "autocomplete": "3/m", "export": "2/m", "api": "3/m"}
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


@pytest.fixture
def item(partnership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_case_study(partnership, title="Cutting surgical site infections in Bamako")


def exhaust(client, url: str, times: int, **headers):
    for _ in range(times):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("60/m", Rate(60, 60)),
        ("10/5m", Rate(10, 300)),
        ("1000/h", Rate(1000, 3600)),
        ("30/20s", Rate(30, 20)),
        ("5/60", Rate(5, 60)),
    ],
)
def test_rates_are_read_from_short_strings(text, rate):
    assert parse_rate(text) == rate


def test_a_limit_can_be_lifted_and_a_malformed_one_is_named():
    assert parse_rate("off") is None
    for bad in ("sixty", "60", "60/", "0/m", "60/0s", "60/d"):
        with pytest.raises(ImproperlyConfigured, match="rate limit"):
            parse_rate(bad)


def test_a_malformed_limit_stops_manage_check(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "lots"}
    with pytest.raises(Exception, match="RATE_LIMITS\\['search'\\]"):
        call_command("check")


def test_past_the_limit_the_search_page_answers_429_in_words(client, limits, item):
    exhaust(client, "/search/?q=infections", 3)
    response = client.get("/search/?q=infections")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "Too many requests" in html
    assert "at most 3 requests per minute" in html
    assert f"wait {response['Retry-After']} seconds" in html
    assert response["Content-Security-Policy"]  # still every security header


def test_french_and_english_search_pages_share_one_budget(client, limits, item):
    exhaust(client, "/search/?q=a", 2)
    exhaust(client, "/fr/search/?q=a", 1)
    assert client.get("/fr/search/?q=a").status_code == 429


@pytest.mark.parametrize(
    ("url", "times", "kind"),
    [
        ("/api/search/?q=infections", 3, "error"),
        ("/api/search/autocomplete/?q=inf", 3, "error"),
        ("/api/v2/pages/", 3, "message"),
        ("/search/export/csv/?q=infections", 2, "html"),
        ("/feeds/search.atom?q=infections", 3, "text"),
        ("/oai/?verb=Identify", 3, "text"),
    ],
)
def test_every_limited_endpoint_says_why_in_its_own_format(client, limits, item, url, times, kind):
    for _ in range(times):
        assert client.get(url).status_code == 200, url
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    if kind in ("error", "message"):
        assert "Too many requests from your address" in response.json()[kind]
    else:
        assert "Too many requests from your address" in response.content.decode()
        assert response["Content-Type"].startswith("text/html" if kind == "html" else "text/plain")


def test_password_reset_cannot_be_used_to_flood_a_mailbox(client, limits):
    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "password_reset": "2/h"}
    for _ in range(2):
        assert client.post("/admin/password_reset/", {"email": "awa@example.org"}).status_code == 302
    response = client.post("/admin/password_reset/", {"email": "awa@example.org"})
    assert response.status_code == 429
    assert "at most 2 requests per hour" in response.content.decode()


def test_a_private_pages_password_cannot_be_guessed_quickly(client, limits, item):
    from wagtail.models import PageViewRestriction

    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "page_password": "3/m"}
    restriction = PageViewRestriction.objects.create(
        page=item, restriction_type=PageViewRestriction.PASSWORD, password="shared-secret"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{item.pk}/"
    for n in range(3):
        assert client.post(url, {"password": f"guess-{n}", "return_url": item.url}).status_code == 200
    response = client.post(url, {"password": "shared-secret", "return_url": item.url})
    assert response.status_code == 429
    assert "Too many requests from your address" in response.content.decode()


def test_each_group_has_its_own_budget(client, limits, item):
    exhaust(client, "/api/search/?q=a", 3)
    assert client.get("/api/search/?q=a").status_code == 429
    assert client.get("/api/search/autocomplete/?q=a").status_code == 200
    assert client.get("/api/v2/pages/").status_code == 200


def test_other_pages_are_never_limited(client, limits, item):
    for url in ("/", "/library/", item.url, "/feeds/latest.atom", "/admin/login/", "/robots.txt", "/no-such-page/"):
        for _ in range(6):
            assert client.get(url).status_code in (200, 404), url


def test_two_clients_behind_the_same_proxy_are_counted_apart(client, limits, item):
    limits.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    exhaust(client, "/api/search/?q=a", 3, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 200


def test_behind_a_proxy_what_the_client_wrote_itself_is_ignored(client, limits, item):
    """Our proxy appends the address it saw; anything left of it came from the client."""
    limits.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(3):
        forged = f"192.0.2.{n}, 198.51.100.7"
        assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 200
    assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7", **proxy).status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(client, limits, item):
    for n in range(3):
        assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code == 200
    assert client.get("/api/search/?q=a", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.5", "203.0.113.5"),
        (1, "", "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 198.51.100.7", "10.0.0.2", "198.51.100.7"),
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "10.0.0.2", "198.51.100.7"),
        # A shorter chain than the proxies configured (a request that came in at the inner proxy)
        # is not trusted: the connection's address counts (django-ipware's rule).
        (2, "198.51.100.7", "10.0.0.2", "10.0.0.2"),
        (1, "::ffff:192.0.2.8", "10.0.0.2", "192.0.2.8"),
        (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
        (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, trusted, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_an_ipv6_client_is_counted_by_its_64_network(client, limits, item):
    """One subscriber usually holds a whole /64: moving within it buys no extra requests."""
    exhaust(client, "/api/search/?q=a", 3, REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert client.get("/api/search/?q=a", REMOTE_ADDR="2001:db8:1:2:bbbb::2").status_code == 429
    assert client.get("/api/search/?q=a", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_an_ipv4_client_written_as_ipv6_is_the_same_client(client, limits, item):
    exhaust(client, "/api/search/?q=a", 3, REMOTE_ADDR="::ffff:192.0.2.8")
    assert client.get("/api/search/?q=a", REMOTE_ADDR="192.0.2.8").status_code == 429


def test_a_failing_cache_lets_searches_through(client, limits, item, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(caches["ratelimit"], "incr", broken)
    monkeypatch.setattr(caches["ratelimit"], "add", broken)
    for _ in range(5):
        assert client.get("/api/search/?q=a").status_code == 200
    assert "Rate limit cache" in caplog.text


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rate_limit_cache"},
    }
    call_command("createcachetable", "rate_limit_cache", verbosity=0)
    yield caches["ratelimit"]


def test_the_database_cache_shares_counts_between_worker_processes(client, limits, item, database_cache):
    """Two middleware instances stand for two gunicorn workers: with the database cache they see
    one count (with the default memory cache each process would count alone)."""
    factory = RequestFactory()
    workers = [RateLimitMiddleware(lambda request: None) for _ in range(2)]
    answers = []
    for n in range(4):
        request = factory.get("/api/search/", {"q": "a"}, REMOTE_ADDR="198.51.100.7")
        request.resolver_match = resolve("/api/search/")
        answers.append(workers[n % 2].process_view(request, None, (), {}))
    assert answers[:3] == [None, None, None]
    assert answers[3].status_code == 429


@pytest.mark.parametrize("backend", ["memory", "database"])
def test_counting_adds_little_to_a_search(request, limits, backend):
    """What the limit adds to each search, measured on the middleware itself (printed with -s):
    django-ratelimit's add and increment in the cache, and the client's address read by ipware."""
    if backend == "database":
        request.getfixturevalue("database_cache")
    limits.RATE_LIMITS = {**limits.RATE_LIMITS, "search": "100000/m"}
    middleware = RateLimitMiddleware(lambda request: None)
    search = RequestFactory().get("/api/search/", {"q": "a"})
    search.resolver_match = resolve("/api/search/")
    middleware.process_view(search, None, (), {})  # the first of a window also adds the key
    rounds = 300
    started = time.perf_counter()
    for _ in range(rounds):
        assert middleware.process_view(search, None, (), {}) is None
    per_request = (time.perf_counter() - started) / rounds
    print(f"rate limit with the {backend} cache: {per_request * 1000:.3f} ms per request")
    assert per_request < (0.002 if backend == "memory" else 0.05)
