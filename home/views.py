"""Site-wide files for crawlers: robots.txt (the sitemap itself is wagtail.contrib.sitemaps)."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

# Search results, the admin and the APIs are for people and programs, not for crawlers to index.
DISALLOWED = ("/admin/", "/search/", "/fr/search/", "/api/")


@require_GET
def robots_txt(request) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
