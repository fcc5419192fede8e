"""Reading the sitemap as a crawler does: /sitemap.xml is an index of files."""

from urllib.parse import urlsplit

from lxml import etree

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_files(client) -> list[bytes]:
    """Each file the index names, fetched by its path and query (the host is checked apart)."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    files = []
    for location in etree.fromstring(index.content).xpath("//s:sitemap/s:loc/text()", namespaces=NS):
        address = urlsplit(location)
        response = client.get(address.path + (f"?{address.query}" if address.query else ""))
        assert response.status_code == 200
        files.append(response.content)
    return files


def sitemap_urls(client) -> list[etree._Element]:
    """Every <url> entry of every file."""
    return [
        url for content in sitemap_files(client) for url in etree.fromstring(content).xpath("//s:url", namespaces=NS)
    ]
