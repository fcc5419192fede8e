"""/sitemap.xml and /robots.txt: what crawlers are offered, read as crawlers read them."""

import pytest
from lxml import etree
from wagtail.models import PageViewRestriction

from tests.factories import make_case_study

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_live_public_pages_only(client, library, partnership, one_of_each):
    draft = make_case_study(partnership, title="Draft", slug="a-draft", live=False)
    private = make_case_study(partnership, title="Private", slug="a-private-one")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    locations = tree.xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)
    assert all(location.startswith("http://testserver/") for location in locations)
    paths = {location.removeprefix("http://testserver") for location in locations}
    assert {"/", library.url, partnership.url, *(page.url for page in one_of_each.values())} <= paths
    assert f"{library.url}in-numbers/" in paths
    assert draft.url not in paths and private.url not in paths
    assert tree.xpath("//s:url/s:lastmod", namespaces=SITEMAP_NS)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_search_and_api(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/admin/", "/search/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_pages_name_their_icon_and_favicon_ico_leads_to_it(client, library):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")  # served by WhiteNoise in production
