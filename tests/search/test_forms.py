"""The search parameters' bounds, whichever engine answers."""

import pytest
from lxml import html as lxml_html

API = "/api/search/"


@pytest.mark.parametrize(("page_size", "last"), [(10, 1000), (20, 500), (50, 200)])
def test_pages_go_as_deep_as_the_first_ten_thousand_results(client, db, page_size, last):
    # Elasticsearch refuses `from + size` past 10,000 (index.max_result_window): a 400 that
    # says so, rather than a 503 from the engine.
    assert client.get(API, {"page": last, "page_size": page_size}).status_code == 200
    response = client.get(API, {"page": last + 1, "page_size": page_size})
    assert response.status_code == 400
    assert response.json()["error"] == (
        f"page: must be at most {last} with page_size {page_size}: only the first 10,000 results can be paged through."
    )
    html = client.get("/search/", {"page": last + 1, "page_size": page_size}).content.decode()
    assert f"must be at most {last} with page_size {page_size}" in html


def test_a_page_past_the_last_is_a_404_that_leads_back(client, corpus):
    # Five items, ten a page: one page. Its first page exists even when nothing matches.
    assert client.get("/search/", {"q": "nothingatall"}).status_code == 200
    response = client.get("/search/", {"type": "case-study", "page": 99})
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page 99: this list has 1 page." in html
    assert '<a href="?type=case-study">Go to the first page</a>' in html
    assert "3 results" in html  # what the search holds, with its filters, for going back
    # The JSON API keeps answering an empty page with how many pages there are.
    answer = client.get(API, {"type": "case-study", "page": 2}).json()
    assert answer["results"] == [] and answer["pages"] == 1


def test_every_surface_refuses_the_same_bad_parameter_with_the_same_words(client, library):
    words = "type: Select a valid choice. podcast is not one of the available choices."
    assert client.get(API, {"type": "podcast"}).json()["error"] == words
    for url in ("/search/", library.url, f"{library.url}focus-areas/health-policy/", f"{library.url}countries/KE/"):
        response = client.get(url, {"type": "podcast"})
        assert response.status_code == 400 and words in response.content.decode(), url
    for url in ("/search/export/csv/", "/feeds/search.atom"):
        response = client.get(url, {"type": "podcast"})
        assert response.status_code == 400 and words in response.content.decode(), url


def test_chips_and_clear_all_keep_the_search_text(client, corpus):
    html = client.get("/search/", {"q": "hygiene", "type": "case-study", "year_from": 2019, "year_to": 2021}).content
    tree = lxml_html.fromstring(html.decode())
    chips = {" ".join(a.text_content().split()): a.get("href") for a in tree.find_class("filter-chip")}
    assert chips == {
        "Remove the filter Type: Case studies ×": "?q=hygiene&year_from=2019&year_to=2021",
        "Remove the filter Year: 2019 to 2021 ×": "?q=hygiene&type=case-study",
    }
    assert tree.find_class("clear-all")[0].get("href") == "?q=hygiene"
