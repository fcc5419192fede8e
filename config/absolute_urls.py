"""Absolute addresses, from one place: the Wagtail site's host name and port.

The sitemap, the Wagtail API, the pages' metadata, the feeds, the citations and OAI-PMH all
build their absolute URLs here (Wagtail's own ``full_url`` does the same), so they agree
whatever Host header a request came with. Set the site's host and port under Settings -> Sites,
or with ``manage.py set_site_address`` (``make setup`` does it from HOST and PORT).
"""

from urllib.parse import urlsplit

from django.http import HttpRequest
from wagtail.models import Site


def site_root_url(request: HttpRequest | None = None) -> str:
    """``http://host[:port]`` of the request's Wagtail site (the default site without one)."""
    # With a single site, every request is that site's: its address is read from the site root
    # paths Wagtail keeps in the cache for page URLs (and clears when a site is saved), not from
    # a query of the sites on every request (1 ms of a search API request).
    roots = {root.site_id: root.root_url for root in Site.get_site_root_paths()}
    if len(roots) == 1:
        return next(iter(roots.values()))
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site is not None else ""


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """`path` on this site as an absolute URL; an address that is absolute already (media in
    object storage) is left as it is."""
    if urlsplit(path).scheme:
        return path
    return site_root_url(request) + path
