"""The search parameters' bounds, whichever engine answers."""

import pytest

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
