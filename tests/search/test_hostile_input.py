"""Whatever the public types or crafts, search answers 200 or a 400 with words, never a 500."""

import random
import time

import pytest

from tests.factories import make_case_study

pytestmark = pytest.mark.django_db
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzéèàçñãõüß ABCXYZ0123456789"
    ":()\"'*^~!&|+-/\\[]{}<>@#%?=;,."
    "\u200b\u200e\u202e\u2066\ufeff\u0301\U0001f637שلا中文"
)


@pytest.fixture
def indexed(library, django_capture_on_commit_callbacks):
    from tests.factories import make_partnership

    with django_capture_on_commit_callbacks(execute=True):
        partnership = make_partnership(library)
        for n in range(3):
            make_case_study(partnership, title=f"Item {n} about infection prevention and control")


def test_three_hundred_random_strings_never_break_search(client, indexed):
    rng = random.Random(20261122)
    slowest = 0.0
    for _ in range(300):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 80)))
        for endpoint in ("/api/search/", "/api/search/autocomplete/"):
            started = time.perf_counter()
            response = client.get(endpoint, {"q": text})
            slowest = max(slowest, time.perf_counter() - started)
            assert response.status_code in (200, 400), (text, response.content[:200])
    print(f"slowest of 600 hostile requests: {slowest * 1000:.0f} ms")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "infection " * 500,
        " ".join(f"w{n}" for n in range(500)),
        '"' * 999,
        "(" * 1000,
    ],
    ids=["10k-chars", "500-repeated-terms", "500-distinct-terms", "quotes", "parentheses"],
)
def test_huge_queries_get_a_normal_page(client, indexed, text):
    for endpoint in ("/api/search/", "/search/"):
        response = client.get(endpoint, {"q": text})
        assert response.status_code == 200


def test_a_query_past_ten_thousand_characters_is_refused_with_a_reason(client, indexed):
    response = client.get("/api/search/", {"q": "a" * 100_000})
    assert response.status_code == 400
    assert response.json()["error"].startswith("q: Ensure this value has at most 10000 characters")


def test_invalid_utf8_and_nul_bytes_get_a_400_or_a_page(client, indexed):
    assert client.get("/api/search/?q=%FF%FEinfection").status_code in (200, 400)
    response = client.get("/api/search/?q=infec%00tion")
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.json()["error"]
    assert client.get("/api/search/?page=99999999999999999999").status_code == 400
    assert client.get("/search/?type=case-study&type=case-study&type=lesson").status_code == 200
