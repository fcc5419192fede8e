"""The language switcher, the hreflang alternates and the reader's links in their own language."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, get_language_from_path
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from config.absolute_urls import absolute_url
from config.languages import LanguageVersion, in_language, language_versions, reader_language, with_reader
from config.languages import reader_version as _reader_version

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[LanguageVersion]:
    """What the reader is looking at, in each interface language (the page in the context, if any)."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    # The switcher and the hreflang links both ask, once each per page: worked out once.
    known = request.__dict__.setdefault("_language_versions", {})
    key = page.pk if page is not None else None
    if key not in known:
        known[key] = language_versions(request, page)
    return known[key]


@register.simple_tag(takes_context=True)
def hreflang_links(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language the page can be read in, and x-default."""
    request = context.get("request")
    links = [(v.code, absolute_url(v.path, request)) for v in other_languages(context) if v.exists]
    default = next((url for code, url in links if code == settings.LANGUAGE_CODE), None)
    return [*links, ("x-default", default)] if default else links


@register.simple_tag(takes_context=True)
def reader_address(context, name: str, params=None) -> str:
    """The address of an unprefixed view (a feed) for this reader: `reader=fr` on a French page."""
    return with_reader(reverse(name), params, context.get("request"))


@register.filter
def in_reader_language(path: str, request) -> str:
    """A site address taken from elsewhere (a search hit's stored URL) under the reader's prefix."""
    language = reader_language(request)
    # Only addresses in the default language: a translation's address is already its language's.
    if language and path.startswith("/") and get_language_from_path(path) is None:
        return in_language(path, language)
    return path


@register.filter
def content_language(page) -> str:
    """The language a page's own text is written in: a knowledge item's declared language, else
    its Wagtail locale's (an untranslated page shown in another interface keeps its own)."""
    language = getattr(page, "language", None)
    if isinstance(language, str) and language:
        return language
    locale = getattr(page, "locale", None)
    return locale.language_code if locale is not None else settings.LANGUAGE_CODE


@register.filter
def reader_version(page, request):
    """The page's live translation in the reader's language, else the page."""
    return _reader_version(page, request)


# Said of a page read in another interface language: "En anglais" on /fr/.
IN_LANGUAGE = {"en": _("In English"), "fr": _("In French"), "pt": _("In Portuguese"), "es": _("In Spanish")}


@register.filter
def content_language_label(page) -> str:
    """ "In English" when a page's own text is not in the reader's interface language (a page
    with no translation shown under /fr/, or an item written in another language), else ""."""
    language = content_language(page)
    if language == (get_language() or settings.LANGUAGE_CODE):
        return ""
    return str(IN_LANGUAGE.get(language, ""))
