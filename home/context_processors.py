from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

from config.languages import page_path_in, reader_language
from knowledge.content_version import cached_until_content_changes

NAV_SLUGS = ("library", "about", "history", "charter")


def navigation(request):
    """URLs of the site's fixed pages in the visitor's locale, only when a template asks: the same
    for every reader of a language until something is published, moved or withdrawn."""

    def load() -> dict[str, str]:
        site = Site.find_for_request(request)
        if site is None:
            return {}
        return cached_until_content_changes(f"nav-{site.pk}-{get_language()}", lambda: _read(site))

    def _read(site: Site) -> dict[str, str]:
        pages = Page.objects.live().public().in_site(site).filter(slug__in=NAV_SLUGS)
        urls: dict[str, str] = {}
        active = Locale.get_active()
        language = reader_language(request)
        # Prefer the active locale's page, fall back to any (the default locale's), at the
        # reader's prefix.
        for page in sorted(pages, key=lambda p: p.locale_id != active.pk):
            if page.slug not in urls:
                urls[page.slug] = (language and page_path_in(page, language, request)) or page.get_url(request)
        return urls

    return {"nav": SimpleLazyObject(load)}
