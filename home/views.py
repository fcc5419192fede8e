"""Site-wide files browsers and crawlers ask for: robots.txt, favicon.ico and the sitemap (an
index of wagtail.contrib.sitemaps' files), and the language switcher's fallback for forms."""

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from config.absolute_urls import absolute_url
from config.languages import in_language, interface_languages, language_versions, page_at


def disallowed_paths() -> list[str]:
    """Search results, the admin and the APIs are for people and programs, not for crawlers to index."""
    return ["/admin/", *(in_language("/search/", code) for code in interface_languages()), "/api/"]


@require_safe
def robots_txt(request) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in disallowed_paths())]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'), request)}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return HttpResponseRedirect(static("img/favicon.svg"))


def switch_language(request) -> HttpResponseRedirect:
    """``/i18n/setlang/``: the page at ``next`` in ``language`` (its translation, else the page
    under that language's prefix, else that language's home), remembered in the language cookie.

    Pages link straight to their other languages; this answers forms and old links. Django's own
    view cannot: it resolves ``next`` in the language of the request, where Wagtail's catch-all
    pattern takes ``/fr/...`` for a page path and sends the reader back to it."""
    params = request.POST if request.method == "POST" else request.GET
    language = params.get("language", "")
    next_path = params.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_path, {request.get_host()}, require_https=request.is_secure()):
        next_path = "/"
    next_path = next_path if next_path.startswith("/") else "/"
    if language not in interface_languages():
        return HttpResponseRedirect(next_path)
    versions = language_versions(request, page_at(request, next_path), full_path=next_path)
    target = next(version.path for version in versions if version.code == language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class PageSitemap(Sitemap):
    # Pages per file. The protocol allows 50,000 URLs and 50 MB a file; with its hreflang
    # alternates a page takes about 1.1 KB. One /sitemap.xml of Django's default 50,000 took
    # 54 MB and 16 s at 100,000 items, and named no second file: half the library was missing.
    limit = 5_000

    def get_latest_lastmod(self):
        # What the index says of the whole sitemap, from one aggregate: Django's default calls
        # `lastmod` on every page (9 s at 100,000 items).
        latest = (
            self.items().order_by().aggregate(latest=Max(Coalesce("last_published_at", "latest_revision_created_at")))
        )
        return latest["latest"]


SITEMAPS = {"pages": PageSitemap}


@require_safe
@x_robots_tag
def sitemap_index(request) -> TemplateResponse:
    """/sitemap.xml: the sitemap's files, `?p=2` and on for each further 5,000 pages. Django's
    own index view names the request's host; this one, the site's (config/absolute_urls.py)."""
    pages = SITEMAPS["pages"](request)
    url = absolute_url(reverse("sitemap_section", kwargs={"section": "pages"}), request)
    lastmod = pages.get_latest_lastmod()
    files = [url, *(f"{url}?p={number}" for number in range(2, pages.paginator.num_pages + 1))]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [SitemapIndexItem(location, lastmod) for location in files]},
        content_type="application/xml",
        headers={"Last-Modified": http_date(lastmod.timestamp())} if lastmod else None,
    )


@require_safe
def sitemap(request, section: str) -> HttpResponse:
    """Wagtail's sitemap, each page with its hreflang alternates in every interface language."""
    return wagtail_sitemap(request, SITEMAPS, section=section)
