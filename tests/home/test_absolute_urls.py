"""Every absolute URL the site gives comes from the Wagtail site's host and port, whatever Host
header the request came with: sitemap, API, metadata, feeds, citations, OAI-PMH, hreflang."""

import re

import pytest
from django.core.management import call_command
from lxml import html
from wagtail.models import Site

from tests.sitemaps import sitemap_files, sitemap_urls

ROOT = "http://hub.example.org:8443"
ABSOLUTE = re.compile(r"https?://[^/\s\"'<>]+")


@pytest.fixture
def site_address(db):
    call_command("set_site_address", "hub.example.org", "8443", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return ROOT


def hosts(text: str) -> set[str]:
    """The scheme and host of every absolute URL on this site in `text` (other sites left out)."""
    ignored = ("creativecommons.org", "www.w3.org", "www.openarchives.org", "purl.org", "schema.org", "orcid.org")
    return {url for url in ABSOLUTE.findall(text) if not url.endswith(ignored) and "sitemaps.org" not in url}


def test_set_site_address_sets_the_default_sites_host_and_port(site_address):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("hub.example.org", 8443, ROOT)


def test_every_surface_gives_the_sites_host_and_port(client, one_of_each, site_address):
    case = one_of_each["case_study"]
    call_command("search_index", "update", "--no-progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    surfaces = {
        "sitemap": "".join(
            content.decode() for content in [client.get("/sitemap.xml").content, *sitemap_files(client)]
        ),
        "api list": client.get("/api/v2/pages/", {"type": "knowledge.CaseStudyPage"}).content.decode(),
        "api detail": client.get(f"/api/v2/pages/{case.pk}/").content.decode(),
        "page metadata": "".join(
            html.tostring(element, encoding="unicode")
            for element in html.fromstring(client.get(case.url).content.decode()).xpath("//head/*")
        ),
        "latest feed": client.get("/feeds/latest.atom").content.decode(),
        "search feed": client.get("/feeds/search.atom", {"q": "bamako"}).content.decode(),
        "citation": client.get(case.url + "cite/vancouver/").content.decode(),
        "bibtex": client.get(case.url + "cite/bibtex/").content.decode(),
        "oai identify": client.get("/oai/", {"verb": "Identify"}).content.decode(),
        "oai records": client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}).content.decode(),
        "search api": client.get("/api/search/", {"q": "bamako"}).content.decode(),
        "figures csv": client.get(case.get_parent().get_parent().url + "in-numbers/figures.csv").content.decode(),
        "robots.txt": client.get("/robots.txt").content.decode(),
    }
    found = {name: hosts(text) for name, text in surfaces.items()}
    assert found == {name: {ROOT} for name in surfaces}


def test_the_api_and_the_page_name_the_same_address(client, one_of_each, site_address):
    case = one_of_each["case_study"]
    api = client.get(f"/api/v2/pages/{case.pk}/").json()
    head = html.fromstring(client.get("/fr" + case.url).content.decode())
    og_url = head.xpath("//meta[@property='og:url']/@content")
    citation_url = head.xpath("//meta[@name='citation_abstract_html_url']/@content")
    assert api["meta"]["html_url"] == ROOT + case.url
    assert api["meta"]["detail_url"] == f"{ROOT}/api/v2/pages/{case.pk}/"
    # Read in French, the item still names its own address: one identity for citation managers.
    assert og_url == citation_url == [ROOT + case.url]
    assert ROOT + case.url in [
        loc for entry in sitemap_urls(client) for loc in entry.xpath("*[local-name()='loc']/text()")
    ]


def test_set_site_address_refuses_a_url_for_a_host(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("set_site_address", "https://hub.example.org", "443")


def test_a_new_address_is_given_as_soon_as_it_is_set(client, one_of_each, site_address):
    case = one_of_each["case_study"]
    assert client.get(f"/api/v2/pages/{case.pk}/").json()["meta"]["html_url"] == ROOT + case.url
    call_command("set_site_address", "knowledge.example.org", "443", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        client.get(f"/api/v2/pages/{case.pk}/").json()["meta"]["html_url"] == "https://knowledge.example.org" + case.url
    )


def test_with_two_sites_each_request_gets_its_own_sites_address(client, one_of_each, site_address, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mirror.example.org"]
    call_command("search_index", "update", "--no-progress", stdout=open("/dev/null", "w"))  # noqa: SIM115
    default = Site.objects.get(is_default_site=True)
    Site.objects.create(hostname="mirror.example.org", port=80, root_page=default.root_page, is_default_site=False)

    def hosts_of_results(**headers) -> set[str]:
        results = client.get("/api/search/", {"q": "bamako"}, **headers).json()["results"]
        return {hosts(result["url"]).pop() for result in results}

    assert hosts_of_results(HTTP_HOST="mirror.example.org") == {"http://mirror.example.org"}
    assert hosts_of_results() == {ROOT}
