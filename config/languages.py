"""The interface languages: which one a reader reads in, and where the same page is in another.

Pages answer in English at / and in the other interface languages under /fr/, /pt/ and /es/
(``i18n_patterns`` in config/urls.py). A page with no translation in the reader's language is
shown in its own language within the reader's interface, at the reader's prefix; its content
is marked with its own ``lang``. So a French reader stays in French from link to link, and the
language switcher and the ``hreflang`` alternates name, for each language, the page's
translation when there is one, else the page itself under that language's prefix.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, QueryDict
from django.utils import translation
from django.utils.translation import get_language_from_path, get_language_info
from wagtail.models import Locale, Page, Site

from .absolute_urls import site_root_url

# A translated locale with more pages than this is not read whole for each request (below,
# `_preloaded_locales`): its pages' translations are looked up page by page.
PRELOAD_LIMIT = 2_000


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def in_language(path: str, language: str) -> str:
    """`path` (an address on this site, query string included) under `language`'s prefix."""
    current = get_language_from_path(path)
    if current:
        path = path[len(current) + 1 :] or "/"
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    return path


def reader_language(request: HttpRequest | None) -> str | None:
    """The interface language a request's address asks for, when it is not the default one.

    None for unprefixed addresses: English pages, and the API, feeds, sitemap and OAI-PMH,
    which always give a page's own address."""
    path = getattr(request, "path_info", None)
    if not path:
        return None
    language = get_language_from_path(path)
    return language if language and language != settings.LANGUAGE_CODE else None


def with_reader(path: str, params: QueryDict | None, request: HttpRequest | None) -> str:
    """An unprefixed address (a feed) with `params` and the reader's language as its `reader`
    parameter, so that it answers as the page the reader came from; without one in English."""
    query = params.copy() if params is not None else QueryDict(mutable=True)
    query.pop("reader", None)
    language = reader_language(request)
    if language:
        query["reader"] = language
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _locale_ids(request: HttpRequest | None) -> dict[str, int]:
    """Language code -> Locale id, read once per request."""
    cached = getattr(request, "_locale_ids", None)
    if cached is None:
        cached = dict(Locale.objects.values_list("language_code", "pk"))
        if request is not None:
            request._locale_ids = cached
    return cached


def _translated_trees(request: HttpRequest | None) -> set[int]:
    """The locales (ids) in which the site's root page has a translation: pages in a locale can
    only sit under a translated root, so in the others there is nothing to look up. One query
    per request, on the translation_key + locale unique index."""
    cached = getattr(request, "_translated_trees", None)
    if cached is None:
        site = Site.find_for_request(request) if request is not None else None
        site = site or Site.objects.select_related("root_page").filter(is_default_site=True).first()
        roots = Page.objects.filter(translation_key=site.root_page.translation_key) if site else Page.objects.none()
        cached = set(roots.values_list("locale_id", flat=True))
        if request is not None:
            request._translated_trees = cached
    return cached


def _own_path(page: Page, request: HttpRequest | None) -> str | None:
    """The page's address as Wagtail builds it: in the page's own locale."""
    parts = Page.get_url_parts(page, request)
    return parts[2] if parts else None


def _live_translation(page: Page, language: str, request: HttpRequest | None) -> Page | None:
    locale_id = _locale_ids(request).get(language)
    if locale_id is None:
        return None
    if page.locale_id == locale_id:
        return page
    if locale_id not in _translated_trees(request):
        return None
    if request is None:
        return _one_live_translation(page, locale_id)
    known = request.__dict__.get("_translations_by_key", {})
    if page.translation_key in known:
        return known[page.translation_key].get(locale_id)
    preloaded = _preloaded_locales(request)
    if preloaded.get(locale_id) is not None:
        return preloaded[locale_id].get(page.translation_key)
    # The default language (it holds every item) and a locale with many translations. Reading
    # every English page to name one page's source took 3.5 s at 100,000 items.
    return _translations(page, request).get(locale_id)


def _translations(page: Page, request: HttpRequest) -> dict[int, Page]:
    """Locale id -> the page's live, public translation: all languages in one query, once per
    request."""
    known = request.__dict__.setdefault("_translations_by_key", {})
    if page.translation_key not in known:
        translations = Page.objects.live().public().filter(translation_key=page.translation_key)
        known[page.translation_key] = {translation.locale_id: translation for translation in translations}
    return known[page.translation_key]


def _preloaded_locales(request: HttpRequest) -> dict[int, dict[str, Page] | None]:
    """Locale id -> its live pages by translation key, for the translated locales holding at most
    PRELOAD_LIMIT pages (None for the others): a listing in French names many pages, the sitemap
    every page, the language switcher each language, so a small locale is read once per request
    (two queries for all of them) rather than once per link. A large one would cost more to read
    whole than the links ask of it."""
    preloaded = getattr(request, "_preloaded_translations", None)
    if preloaded is None:
        default_id = _locale_ids(request).get(settings.LANGUAGE_CODE)
        translated = _translated_trees(request) - {default_id}
        sizes = dict(
            Page.objects.filter(locale_id__in=translated)
            .order_by()
            .values_list("locale_id")
            .annotate(pages=Count("pk"))
        )
        small = {locale for locale in translated if sizes.get(locale, 0) <= PRELOAD_LIMIT}
        preloaded = {locale: ({} if locale in small else None) for locale in translated}
        for translation in Page.objects.live().public().filter(locale_id__in=small):
            preloaded[translation.locale_id][translation.translation_key] = translation
        request._preloaded_translations = preloaded
    return preloaded


def _one_live_translation(page: Page, locale_id: int) -> Page | None:
    return Page.objects.live().public().filter(translation_key=page.translation_key, locale_id=locale_id).first()


def reader_version(page: Page, request: HttpRequest | None) -> Page:
    """The page as a reader of the request's language reads it: its live translation in that
    language where there is one, else the page itself (an untranslated item names its
    partnership's translation)."""
    language = reader_language(request)
    if language is None or page is None:
        return page
    translation = _live_translation(page, language, request)
    return translation.specific if translation is not None else page


def page_path_in(page: Page, language: str, request: HttpRequest | None = None) -> str | None:
    """Where a reader of `language` reads `page`: its live translation in that language, else the
    page in the default language (itself, or its translation) under the language's prefix.
    None when there is neither (a page that exists only in other languages)."""
    translation = _live_translation(page, language, request)
    if translation is not None:
        return _own_path(translation, request)
    source = _live_translation(page, settings.LANGUAGE_CODE, request)
    if source is None:
        return None
    path = _own_path(source, request)
    return in_language(path, language) if path else None


def in_default_language(page: Page) -> Page:
    """The page in the default language (itself, or the page it translates); itself when it has
    no version there. Listings read the default language's tree, where every item is: a reader's
    own language then shows through the links (`page_path_in`)."""
    default_id = _locale_ids(None).get(settings.LANGUAGE_CODE)
    if default_id is None or page.locale_id == default_id:
        return page
    source = Page.objects.filter(translation_key=page.translation_key, locale_id=default_id).first()
    return source.specific if source is not None else page


class ReaderLanguagePageMixin:
    """Links to a page, on a page read in French, Portuguese or Spanish, stay in that language."""

    @property
    def default_language_page(self) -> Page:
        return in_default_language(self)

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        language = reader_language(request)
        if parts is None or parts[2] is None or language is None:
            return parts
        path = page_path_in(self, language, request)
        return (parts[0], parts[1], path) if path else parts

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        for url in urls:
            url["alternates"] = alternates(self, request)
        return urls


def alternates(page: Page, request: HttpRequest | None, suffix: str = "") -> list[dict[str, str]]:
    """The sitemap's ``hreflang`` alternates of a page (or of its route `suffix`), x-default first
    being the default language's address."""
    root = site_root_url(request)
    found = []
    for code in interface_languages():
        path = page_path_in(page, code, request)
        if path:
            found.append({"lang_code": code, "location": root + path + suffix})
    default = next((alt["location"] for alt in found if alt["lang_code"] == settings.LANGUAGE_CODE), None)
    return [*found, {"lang_code": "x-default", "location": default}] if default else found


class FallBackToDefaultTreeMixin:
    """For the site's root page: a translated root routes what its own tree lacks through the
    default language's tree, so that an address stays readable in every interface language
    while only some pages are translated."""

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
            if not path_components or default is None or self.locale_id == default.pk:
                raise
            source = self.get_translation_or_none(default)
            if source is None:
                raise
            return source.specific.route(request, path_components)


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in the language itself: a reader looks for their own language's name
    path: str
    current: bool
    exists: bool  # False: the page has no version readable in this language; path is its home


def page_at(request: HttpRequest, path: str) -> Page | None:
    """The page the site serves at `path` (any interface language), or None (search, a 404)."""
    language = get_language_from_path(path) or settings.LANGUAGE_CODE
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [part for part in in_language(urlsplit(path).path, settings.LANGUAGE_CODE).split("/") if part]
    with translation.override(language):
        try:
            return site.root_page.localized.specific.route(request, components)[0]
        except Http404:
            return None


def language_versions(
    request: HttpRequest, page: Page | None = None, full_path: str | None = None
) -> list[LanguageVersion]:
    """The address of what the reader is looking at (`full_path`, by default the request's) in
    each interface language.

    For a page (or a route of a routable page: the library's figures, a focus area), its
    translation or the page itself under each prefix, keeping the route and the query string;
    for any other view (search), the same address under each prefix."""
    full_path = full_path or request.get_full_path()
    current = get_language_from_path(full_path) or settings.LANGUAGE_CODE
    own = _own_path(page, request) if page is not None else None
    if own:
        # The switcher names one page in every language: its translations in one query, not
        # each small locale read whole (`_preloaded_locales`, for the listings' many links).
        _translations(page, request)
    reader_path = in_language(own, current) if own else None
    versions = []
    for code in interface_languages():
        exists = True
        if reader_path and full_path.startswith(reader_path):
            base = page_path_in(page, code, request)
            if base is None:
                exists, path = False, in_language("/", code)
            else:
                path = base + full_path[len(reader_path) :]
        else:
            path = in_language(full_path, code)
        versions.append(
            LanguageVersion(
                code=code,
                name=get_language_info(code)["name_local"],
                path=path,
                current=code == current,
                exists=exists,
            )
        )
    return versions
