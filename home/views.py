"""Site-wide files browsers and crawlers ask for: robots.txt and favicon.ico (the sitemap itself
is wagtail.contrib.sitemaps), and the language switcher's fallback for forms."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe
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


@require_safe
def sitemap(request) -> HttpResponse:
    """Wagtail's sitemap, each page with its hreflang alternates in every interface language."""
    return wagtail_sitemap(request)
