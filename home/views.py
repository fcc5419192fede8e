"""Site-wide files browsers and crawlers ask for: robots.txt and favicon.ico (the sitemap itself
is wagtail.contrib.sitemaps)."""

from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

# Search results, the admin and the APIs are for people and programs, not for crawlers to index.
DISALLOWED = ("/admin/", "/search/", "/fr/search/", "/api/")


@require_safe
def robots_txt(request) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return HttpResponseRedirect(static("img/favicon.svg"))
