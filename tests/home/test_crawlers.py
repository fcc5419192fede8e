"""/sitemap.xml and /robots.txt: what crawlers are offered, read as crawlers read them."""

import pytest
from lxml import etree
from wagtail.models import PageViewRestriction

from tests.factories import make_case_study
from tests.sitemaps import sitemap_urls

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_live_public_pages_only(client, library, partnership, one_of_each):
    draft = make_case_study(partnership, title="Draft", slug="a-draft", live=False)
    private = make_case_study(partnership, title="Private", slug="a-private-one")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    entries = sitemap_urls(client)
    locations = [location for entry in entries for location in entry.xpath("s:loc/text()", namespaces=SITEMAP_NS)]
    assert all(location.startswith("http://testserver/") for location in locations)
    paths = {location.removeprefix("http://testserver") for location in locations}
    assert {"/", library.url, partnership.url, *(page.url for page in one_of_each.values())} <= paths
    assert f"{library.url}in-numbers/" in paths
    assert draft.url not in paths and private.url not in paths
    assert any(entry.xpath("s:lastmod/text()", namespaces=SITEMAP_NS) for entry in entries)


def test_the_sitemap_is_an_index_of_files_that_together_name_every_page_once(client, library, one_of_each, monkeypatch):
    monkeypatch.setattr("home.views.PageSitemap.limit", 2)
    index = etree.fromstring(client.get("/sitemap.xml").content)
    files = index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS)
    assert files[:2] == ["http://testserver/sitemap-pages.xml", "http://testserver/sitemap-pages.xml?p=2"]
    assert len(index.xpath("//s:sitemap/s:lastmod/text()", namespaces=SITEMAP_NS)) == len(files)
    pages = [
        location for entry in sitemap_urls(client) for location in entry.xpath("s:loc/text()", namespaces=SITEMAP_NS)
    ]
    assert len(pages) == len(set(pages))
    assert {f"http://testserver{page.url}" for page in one_of_each.values()} <= set(pages)
    assert client.get(f"/sitemap-pages.xml?p={len(files) + 1}").status_code == 404
    assert client.get("/sitemap-other.xml").status_code == 404


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
