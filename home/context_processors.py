from django.utils.functional import SimpleLazyObject
from wagtail.models import Locale, Page, Site

from config.languages import page_path_in, reader_language

NAV_SLUGS = ("library", "about", "history", "charter")


def navigation(request):
    """URLs of the site's fixed pages in the visitor's locale, in one query, only when a template asks."""

    def load() -> dict[str, str]:
        site = Site.find_for_request(request)
        if site is None:
            return {}
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
