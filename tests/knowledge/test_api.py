"""/api/v2/: Wagtail's API serves live, public pages only, with knowledge items' taxonomy and content."""

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import make_case_study

pytestmark = pytest.mark.django_db

TAXONOMY = "summary,publication_date,language,focus_areas,countries,partnership,tags"


@pytest.fixture
def hidden(partnership, one_of_each):
    """A draft, a live item with an unpublished revision, and a private item."""
    draft = make_case_study(partnership, title="Draft never published", live=False)
    changed = one_of_each["case_study"]
    changed.title = "Unpublished new title"
    changed.save_revision()
    private = make_case_study(partnership, title="Steering group only")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    return {"draft": draft, "changed": changed, "private": private}


def titles(response):
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    "query",
    ["", "?type=knowledge.CaseStudyPage", "?type=knowledge.KnowledgeItemPage", "?search=steering", "?limit=20"],
)
def test_drafts_private_pages_and_unpublished_revisions_never_show_in_listings(client, hidden, query):
    seen = titles(client.get(f"/api/v2/pages/{query}"))
    assert not seen & {"Draft never published", "Unpublished new title", "Steering group only"}
    if "search" not in query:
        assert "Cutting surgical site infections in Bamako" in seen


def test_drafts_and_private_pages_have_no_detail(client, hidden):
    assert client.get(f"/api/v2/pages/{hidden['draft'].pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{hidden['private'].pk}/").status_code == 404
    response = client.get(f"/api/v2/pages/{hidden['changed'].pk}/")
    assert response.json()["title"] == "Cutting surgical site infections in Bamako"


def test_case_studies_expose_their_taxonomy(client, one_of_each, partnership):
    response = client.get(f"/api/v2/pages/?type=knowledge.CaseStudyPage&fields={TAXONOMY},licence,outcomes")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["meta"]["type"] == "knowledge.CaseStudyPage"
    assert item["publication_date"] == "2024-05-01" and item["language"] == "en"
    assert item["focus_areas"] == [{"slug": "quality-and-safety-of-care", "name": "Quality and safety of care"}]
    assert item["countries"] == [{"code": "ML", "name": "Mali", "region": "africa"}]
    assert item["partnership"]["slug"] == "lyon-bamako"
    assert item["partnership"]["url"].endswith(partnership.url)
    assert item["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert item["outcomes"][0]["indicator"] == "Surgical site infections"


def test_each_type_exposes_its_own_content(client, one_of_each):
    case_study = client.get(f"/api/v2/pages/{one_of_each['case_study'].pk}/").json()
    assert {"body", "authors", "outcomes", "period", "licence", "tags"} <= set(case_study)
    lesson = client.get(f"/api/v2/pages/{one_of_each['lesson'].pk}/").json()
    assert lesson["lesson"] == "Mentors on the ward beat workshops."
    assert lesson["what_worked"] == "<p>Test what worked.</p>"
    testimonial = client.get(f"/api/v2/pages/{one_of_each['testimonial'].pk}/").json()
    assert testimonial["quote"] == "We stopped losing samples."
    assert testimonial["speaker"]["name"] == one_of_each["testimonial"].speaker.name
    assert "speaker_role" in testimonial


@pytest.mark.parametrize(
    "query", ["?type=knowledge.NoSuchPage", "?fields=no_such_field", "?limit=abc", "?order=nonsense"]
)
def test_bad_api_requests_get_a_400_with_words(client, one_of_each, query):
    response = client.get(f"/api/v2/pages/{query}")
    assert response.status_code == 400
    assert response.json()["message"]


def test_images_and_documents_endpoints_answer(client, db):
    for endpoint in ("images", "documents"):
        response = client.get(f"/api/v2/{endpoint}/")
        assert response.status_code == 200
        assert response.json()["meta"]["total_count"] == 0


def test_item_listings_make_the_same_number_of_queries_for_more_items(client, library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_partnership

    partnership = make_partnership(library)
    fields = f"{TAXONOMY},authors,outcomes,licence"
    url = f"/api/v2/pages/?type=knowledge.CaseStudyPage&fields={fields}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_case_study(partnership, tags=["a"])
    client.get(url)
    small = count()
    for _ in range(4):
        make_case_study(partnership, countries=["KE", "UG"], tags=["a", "b"], focus=("health-policy",))
    assert count() == small
