"""Readers in four languages: complete catalogues, no English left in the French, Portuguese and
Spanish interfaces, a switcher that goes both ways from every page, dates and lang attributes."""

import ast
import datetime
import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models.signals import post_init
from lxml import html
from wagtail.models import Locale, Page

from home.models import StandardPage
from search.indexing import drain
from tests.factories import home_page, publish
from tests.sitemaps import NS, sitemap_urls

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["fr", "pt", "es"]
LANGUAGES = ["en", *TRANSLATED]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
ENGLISH_MONTHS = re.compile(r"\b(January|February|March|April|June|July|August|September|October|November|December)\b")


def read_po(path: Path) -> list[dict]:
    """The entries of a PO file: msgctxt, msgid, msgid_plural, msgstr (a list) and flags."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and (entry["msgid"] or entry["msgstr"]):
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": [], "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                field = "msgstr"
                entry["msgstr"].append(value)
            else:
                field = keyword
                entry[keyword] = value
    return entries


def catalogue(language: str) -> list[dict]:
    return [entry for entry in read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po") if entry["msgid"]]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    problems = []
    for entry in catalogue(language):
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        if not all(entry["msgstr"]) or not entry["msgstr"]:
            problems.append(f"untranslated: {entry['msgid']!r}")
        sources = [entry["msgid"], entry["msgid_plural"] or entry["msgid"]]
        for n, translation in enumerate(entry["msgstr"]):
            expected = sorted(PLACEHOLDER.findall(sources[min(n, 1)]))
            # A singular may say "one" in words where the English has its number ("hour").
            if sorted(PLACEHOLDER.findall(translation)) != expected and not (n == 0 and entry["msgid_plural"]):
                problems.append(f"placeholders or markup differ: {entry['msgid']!r} -> {translation!r}")
    assert problems == []


@pytest.mark.parametrize("language", ["pt", "es"])
def test_portuguese_and_spanish_translate_everything_french_does(language):
    def keys(code):
        return {(entry["msgctxt"], entry["msgid"]) for entry in catalogue(code)}

    assert keys(language) == keys("fr")


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_files_are_compiled_from_the_po_files(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue(language):
        if entry["msgid_plural"]:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
        elif entry["msgctxt"]:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"][0]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


# The rendered interface ---------------------------------------------------------------------


def english_left(document, language: str) -> list[str]:
    """Interface text in English on a page read in `language`: the text (and the labels screen
    readers speak) outside content marked with another language that is a message of the
    catalogue whose translation differs from it."""
    messages = {}
    for entry in catalogue(language):
        for source, translation in zip(
            [entry["msgid"], entry["msgid_plural"] or entry["msgid"]], entry["msgstr"], strict=False
        ):
            if source != translation and not PLACEHOLDER.search(source):
                messages[source] = translation
    long_ones = [message for message in messages if len(message.split()) >= 4]
    found = []

    def visit(element, lang):
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head"):
            return
        lang = element.get("lang", lang)
        if lang == language:
            for attribute in ("aria-label", "placeholder", "title", "alt"):
                value = (element.get(attribute) or "").strip()
                if value in messages:
                    found.append(f"{element.tag}[{attribute}]: {value}")
            for text in (element.text, *(child.tail for child in element)):
                text = " ".join((text or "").split()).strip(" :·›→")
                if text in messages or any(message in text for message in long_ones):
                    found.append(f"{element.tag}: {text}")
        for child in element:
            visit(child, lang)

    visit(document, document.get("lang"))
    return found


@pytest.fixture
def reading_world(one_of_each):
    """One of each page type, the search index, and the about page translated into French."""
    about = publish(
        home_page(), StandardPage(title="About the Knowledge Hub", slug="about", introduction="Who we are.")
    )
    drain()  # the library's listings read the search index
    return {**one_of_each, "about": about, "partnership": one_of_each["case_study"].get_parent().specific}


def page_paths(world) -> dict[str, str]:
    library = world["partnership"].get_parent()
    return {
        "home": "/",
        "library": library.url,
        "case study": world["case_study"].url,
        "lesson": world["lesson"].url,
        "testimonial": world["testimonial"].url,
        "partnership": world["partnership"].url,
        "about": world["about"].url,
        "in numbers": library.url + "in-numbers/",
        "focus area": library.url + "focus-areas/quality-and-safety-of-care/",
        "focus areas": library.url + "focus-areas/",
        "country": library.url + "countries/ML/",
        "countries": library.url + "countries/",
        "filtered listing": library.url + "?type=lesson&region=africa",
        "empty listing": library.url + "?type=lesson&lang=fr",
        "search results": "/search/?q=bamako",
        "empty search": "/search/?q=zzzzqqqq",
        "no page": "/nowhere-at-all/",
    }


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_interface_text_is_left_on_any_page_type(client, reading_world, language):
    problems = {}
    for name, path in page_paths(reading_world).items():
        response = client.get(f"/{language}{path}")
        assert response.status_code == (404 if name == "no page" else 200), name
        document = html.fromstring(response.content.decode())
        assert document.get("lang") == language, name
        left = english_left(document, language)
        dates = [t.text for t in document.iter("time") if ENGLISH_MONTHS.search(t.text or "")]
        if left or dates:
            problems[name] = left + dates
    assert problems == {}


def test_a_language_name_is_in_the_interface_language_and_content_in_its_own(client, one_of_each):
    card_page = html.fromstring(client.get("/fr" + one_of_each["case_study"].get_parent().url).content.decode())
    card_type = card_page.xpath("//p[@class='card-type']")[0]
    assert "anglais" in card_type.text_content() and card_type.xpath(".//*[@lang]") == []
    assert card_page.xpath("//h3[@class='card-title']/a/@lang") == ["en"] * 3

    item = html.fromstring(client.get("/fr" + one_of_each["case_study"].url).content.decode())
    assert item.get("lang") == "fr"
    assert item.xpath("//h1/@lang") == ["en"]
    # The labels of the item's metadata are French, not inside an English element.
    label = item.xpath("//dl[@class='item-meta']//dt")[0]
    assert label.text == "Publication" and not [a for a in label.iterancestors() if a.get("lang") == "en"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "15 June 2010"), ("fr", "15 juin 2010"), ("pt", "15 de junho de 2010"), ("es", "15 de junio de 2010")],
)
def test_listings_and_detail_pages_give_the_same_date_in_the_readers_language(client, partnership, language, expected):
    from tests.factories import make_case_study

    case = make_case_study(partnership, title="Dated", publication_date=datetime.date(2010, 6, 15))
    drain()  # the library's listing reads the search index
    prefix = "" if language == "en" else f"/{language}"
    detail = html.fromstring(client.get(prefix + case.url).content.decode())
    listing = html.fromstring(client.get(prefix + partnership.get_parent().url).content.decode())
    assert [t.text for t in detail.iter("time")] == [expected]
    assert [t.text for t in listing.iter("time")] == [expected]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1,234"), ("fr", "1\xa0234"), ("pt", "1.234"), ("es", "1\xa0234")]
)
def test_counts_use_the_readers_separators(language, expected):
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    with translation.override(language):
        assert intcomma(1234) == expected


# The switcher and the alternates ------------------------------------------------------------


def switcher_links(document) -> dict[str, str]:
    return {a.get("hreflang"): a.get("href") for a in document.xpath("//nav[@class='language']//a")}


def prefixed(language: str, path: str) -> str:
    return path if language == "en" else f"/{language}{path}"


@pytest.mark.parametrize("source", LANGUAGES)
@pytest.mark.parametrize("target", LANGUAGES)
def test_the_switcher_goes_from_any_language_to_any_other_on_a_page_and_on_search(client, one_of_each, source, target):
    case = one_of_each["case_study"]
    for path in (case.url, "/search/?q=bamako&type=case-study"):
        document = html.fromstring(client.get(prefixed(source, path)).content.decode())
        link = switcher_links(document)[target]
        assert link == prefixed(target, path)
        arrived = client.get(link)
        assert arrived.status_code == 200
        page = html.fromstring(arrived.content.decode())
        assert page.get("lang") == target
        # and the form fallback (old links, a form) agrees
        redirect = client.post("/i18n/setlang/", {"language": target, "next": prefixed(source, path)})
        assert (redirect.status_code, redirect["Location"]) == (302, link)


@pytest.mark.parametrize("source", LANGUAGES)
@pytest.mark.parametrize("target", LANGUAGES)
def test_the_switcher_goes_to_a_pages_translation_and_back(client, library, source, target):
    about = publish(home_page(), StandardPage(title="About", slug="about", introduction="Who we are."))
    french_home = home_page().copy_for_translation(Locale.objects.get(language_code="fr"))
    french_home.save_revision().publish()
    french = about.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.slug, french.title = "a-propos", "À propos"
    french.save_revision().publish()
    paths = {"en": "/about/", "fr": "/fr/a-propos/", "pt": "/pt/about/", "es": "/es/about/"}

    document = html.fromstring(client.get(paths[source]).content.decode())
    assert switcher_links(document)[target] == paths[target]
    assert client.get(paths[target]).status_code == 200
    # The French home page still leads to the library, which has no French translation.
    assert client.get("/fr" + library.url).status_code == 200


@contextmanager
def pages_read() -> Iterator[list[Page]]:
    """The Page objects Django builds while the block runs (any page type)."""
    loaded: list[Page] = []

    def count(sender, instance, **kwargs):
        if isinstance(instance, Page):
            loaded.append(instance)

    post_init.connect(count)
    try:
        yield loaded
    finally:
        post_init.disconnect(count)


def test_a_translated_page_reads_its_own_source_not_every_page_in_the_default_language(client, library):
    """The switcher and hreflang links of a French page name its English source: one page read,
    whatever the size of the library (reading every English page took seconds at 100,000)."""
    about = publish(home_page(), StandardPage(title="About", slug="about", introduction="Who we are."))
    for n in range(40):
        publish(home_page(), StandardPage(title=f"Page {n}", slug=f"page-{n}"))
    french_home = home_page().copy_for_translation(Locale.objects.get(language_code="fr"))
    french_home.save_revision().publish()
    french = about.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.slug, french.title = "a-propos", "À propos"
    french.save_revision().publish()
    with pages_read() as loaded:
        document = html.fromstring(client.get("/fr/a-propos/").content.decode())
    assert switcher_links(document)["en"] == "/about/"
    assert len(loaded) < 20, f"{len(loaded)} pages read for one French page"


def test_a_locale_with_many_translations_is_looked_up_page_by_page_not_read_whole(client, library, monkeypatch):
    """Translated locales of at most PRELOAD_LIMIT pages are read whole once per request (a French
    listing names many pages); a larger one would cost every page of the site a read of it."""
    monkeypatch.setattr("config.languages.PRELOAD_LIMIT", 5)
    french_locale = Locale.objects.get(language_code="fr")
    french_home = home_page().copy_for_translation(french_locale)
    french_home.save_revision().publish()
    for n in range(20):
        page = publish(home_page(), StandardPage(title=f"Page {n}", slug=f"page-{n}"))
        french = page.copy_for_translation(french_locale)
        french.slug = f"page-fr-{n}"
        french.save_revision().publish()
    with pages_read() as loaded:
        english = html.fromstring(client.get("/page-3/").content.decode())
    french = html.fromstring(client.get("/fr/page-fr-3/").content.decode())
    assert switcher_links(english)["fr"] == "/fr/page-fr-3/"
    assert switcher_links(french)["en"] == "/page-3/" and switcher_links(french)["pt"] == "/pt/page-3/"
    assert len(loaded) < 20, f"{len(loaded)} pages read for one English page"


def test_a_page_that_exists_only_in_another_language_switches_to_that_languages_home(client, library):
    french_home = home_page().copy_for_translation(Locale.objects.get(language_code="fr"))
    french_home.save_revision().publish()
    only_french = publish(french_home, StandardPage(title="Seulement en français", slug="seulement"))
    document = html.fromstring(client.get(only_french.url).content.decode())
    assert switcher_links(document) == {"en": "/", "fr": "/fr/seulement/", "pt": "/pt/", "es": "/es/"}
    hreflangs = [link.get("hreflang") for link in document.xpath("//head/link[@hreflang]")]
    assert hreflangs == ["fr"]


def test_links_on_a_translated_interface_keep_the_reader_in_it(client, one_of_each):
    case = one_of_each["case_study"]
    for language in TRANSLATED:
        document = html.fromstring(client.get(f"/{language}{case.get_parent().url}").content.decode())
        page_links = [
            href
            for href in document.xpath("//main//a/@href | //header//nav[@aria-label][not(@class='language')]//a/@href")
            if href.startswith("/") and not href.startswith(("/admin/", "/feeds/", "/k/", "/search/export/"))
        ]
        assert page_links and all(href.startswith(f"/{language}/") for href in page_links), page_links


def test_every_page_names_its_alternates_with_absolute_urls_and_an_x_default(client, one_of_each):
    case = one_of_each["case_study"]
    document = html.fromstring(client.get("/pt" + case.url).content.decode())
    alternates = {link.get("hreflang"): link.get("href") for link in document.xpath("//head/link[@hreflang]")}
    assert alternates == {
        "en": f"http://testserver{case.url}",
        "fr": f"http://testserver/fr{case.url}",
        "pt": f"http://testserver/pt{case.url}",
        "es": f"http://testserver/es{case.url}",
        "x-default": f"http://testserver{case.url}",
    }


def test_the_sitemap_gives_each_page_its_alternates(client, one_of_each):
    case = one_of_each["case_study"]
    entry = next(
        url
        for url in sitemap_urls(client)
        if url.xpath("s:loc/text()", namespaces=NS) == [f"http://testserver{case.url}"]
    )
    links = {link.get("hreflang"): link.get("href") for link in entry.xpath("x:link", namespaces=NS)}
    assert links["es"] == f"http://testserver/es{case.url}" and links["x-default"] == f"http://testserver{case.url}"
    assert set(links) == {"en", "fr", "pt", "es", "x-default"}


def test_robots_keep_crawlers_out_of_search_in_every_language(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert {f"Disallow: {path}" for path in ("/search/", "/fr/search/", "/pt/search/", "/es/search/")} <= set(lines)
