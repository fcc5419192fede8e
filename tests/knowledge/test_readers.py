"""Every surface a reader meets shows each item and partnership once, in the reader's language where
there is a translation, else the original marked with its own language: title suggestions, the
partnerships list, feeds, and a case study's outcomes. OAI-PMH, for harvesters, keeps one record
per language version, each saying its language."""

import datetime

import feedparser
import pytest
from lxml import etree, html
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from knowledge.models import CaseStudyPage
from knowledge.publishing.translation import translate_from_memory
from tests.factories import home_page, make_case_study, make_lesson, make_library, make_partnership
from tests.knowledge.test_translation import FRENCH as SHARED_FRENCH

FRENCH = {
    **SHARED_FRENCH,
    "Surgical site infections after caesarean section": "Infections du site opératoire après césarienne",
    "women operated on": "femmes opérées",
    "Hospital surveillance register": "Registre de surveillance de l’hôpital",
}


@pytest.fixture(scope="module")
def world(build_once):
    """Two partnerships: one translated into French with its case study (and the case study's
    outcome), whose lesson is not; one not translated at all. Published and indexed."""

    def build() -> dict:
        library = make_library()
        french = Locale.objects.get(language_code="fr")
        bamako = make_partnership(
            library,
            title="Lyon–Bamako laboratory partnership",
            slug="lyon-bamako",
            south_country="ML",
            focus=("health-policy",),
        )
        kisumu = make_partnership(
            library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu", focus=("health-policy",)
        )
        case_study = make_case_study(
            bamako,
            title="Cutting surgical site infections in Bamako",
            slug="ssi",
            publication_date=datetime.date(2024, 3, 1),
            tags=["surgical safety"],
            outcomes=[
                {
                    "indicator": "Surgical site infections after caesarean section",
                    "baseline": 12,
                    "result": 5,
                    "unit": "women operated on",
                    "source": "Hospital surveillance register",
                }
            ],
        )
        lesson = make_lesson(
            bamako, title="Mentoring outlasts workshops", slug="mentoring", publication_date=datetime.date(2024, 2, 1)
        )
        other = make_lesson(
            kisumu, title="Bamako visitors", slug="visitors", publication_date=datetime.date(2023, 1, 1)
        )
        french_home = home_page().copy_for_translation(french)
        french_home.save_revision().publish()
        translate_from_memory(library, french, FRENCH)
        french_partnership = translate_from_memory(bamako, french, FRENCH)
        french_case_study = translate_from_memory(case_study, french, FRENCH)
        return {
            "bamako": bamako.pk,
            "kisumu": kisumu.pk,
            "case_study": case_study.pk,
            "lesson": lesson.pk,
            "other": other.pk,
            "french_partnership": french_partnership.pk,
            "french_case_study": french_case_study.pk,
        }

    return build_once(build)


@pytest.fixture
def ids(world, db):
    return world


def page_of(response) -> html.HtmlElement:
    assert response.status_code == 200, response.content[:300]
    return html.fromstring(response.content.decode())


def text(element) -> str:
    return " ".join(element.text_content().split())


# Title suggestions ---------------------------------------------------------------------------


def suggested(client, **params) -> list[str]:
    response = client.get("/api/search/autocomplete/", params)
    assert response.status_code == 200, response.content
    return [suggestion["title"] for suggestion in response.json()["suggestions"]]


def test_suggestions_are_each_item_once_in_the_readers_language(client, ids):
    french = suggested(client, q="bamak", reader="fr")
    assert sorted(french) == ["Bamako visitors", "Réduire les infections du site opératoire à Bamako"]
    english = suggested(client, q="bamak", reader="en")
    assert sorted(english) == ["Bamako visitors", "Cutting surgical site infections in Bamako"]
    # Without a reader, the interface language of the address: English, unprefixed.
    assert sorted(suggested(client, q="bamak")) == sorted(english)
    # The original where the reader's language has no version.
    assert sorted(suggested(client, q="bamak", reader="pt")) == sorted(english)
    # Words of the translation find it, for its readers only.
    assert suggested(client, q="réduire", reader="fr") == ["Réduire les infections du site opératoire à Bamako"]
    assert suggested(client, q="réduire", reader="en") == []


@pytest.mark.parametrize("reader", ["xx", "FR", "fr-fr", "%00"])
def test_a_reader_language_that_is_not_offered_is_refused_with_words(client, ids, reader):
    response = client.get("/api/search/autocomplete/", {"q": "bamak", "reader": reader})
    assert response.status_code == 400
    assert response.json()["error"].startswith("reader: Select a valid choice.")


def test_the_search_page_tells_its_script_the_readers_language(client, ids):
    """autocomplete.js sends the page's <html lang> as `reader`: the French search page says fr."""
    page = page_of(client.get("/fr/search/"))
    assert page.get("lang") == "fr"
    assert page.xpath("//input[@data-autocomplete]/@data-autocomplete") == ["/api/search/autocomplete/"]


# Partnerships --------------------------------------------------------------------------------


def test_the_partnerships_list_shows_each_partnership_in_the_readers_language(client, ids):
    links = page_of(client.get("/fr/library/partnerships/")).xpath("//ul[@class='partnership-list']//h2/a")
    assert [(text(a), a.get("lang"), a.get("href")) for a in links] == [
        ("Dublin–Kisumu infection prevention", "en", "/fr/library/dublin-kisumu/"),
        ("Partenariat Lyon–Bamako pour la qualité des laboratoires", "fr", "/fr/library/lyon-bamako/"),
    ]
    summaries = page_of(client.get("/fr/library/partnerships/")).xpath("//ul[@class='partnership-list']//h2/../p[1]")
    assert [(text(p), p.get("lang")) for p in summaries] == [
        ("A test partnership.", "en"),
        ("Un partenariat de test.", "fr"),
    ]
    english = page_of(client.get("/library/partnerships/")).xpath("//ul[@class='partnership-list']//h2/a")
    assert [(text(a), a.get("href")) for a in english] == [
        ("Dublin–Kisumu infection prevention", "/library/dublin-kisumu/"),
        ("Lyon–Bamako laboratory partnership", "/library/lyon-bamako/"),
    ]


def test_a_focus_areas_partnerships_are_in_the_readers_language(client, ids):
    page = page_of(client.get("/fr/library/focus-areas/health-policy/"))
    links = {(text(a), a.get("lang"), a.get("href")) for a in page.xpath("//a[contains(@href, '/fr/library/')]")}
    assert ("Partenariat Lyon–Bamako pour la qualité des laboratoires", "fr", "/fr/library/lyon-bamako/") in links
    assert ("Lyon–Bamako laboratory partnership", "en", "/fr/library/lyon-bamako/") not in links
    assert not any(title == "Lyon–Bamako laboratory partnership" for title, _lang, _href in links)


# Feeds ---------------------------------------------------------------------------------------


def feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


# What a French reader's feeds list: the French version where there is one, else the original.
FRENCH_ENTRIES = [
    (
        "Réduire les infections du site opératoire à Bamako",
        "fr",
        "http://testserver/fr/library/lyon-bamako/ssi/",
    ),
    ("Mentoring outlasts workshops", "en", "http://testserver/fr/library/lyon-bamako/mentoring/"),
    ("Bamako visitors", "en", "http://testserver/fr/library/dublin-kisumu/visitors/"),
]


def entries(parsed) -> list[tuple[str, str, str]]:
    return [(entry.title, entry.title_detail.language, entry.link) for entry in parsed.entries]


def test_a_readers_latest_feed_lists_each_item_once_in_their_language(client, ids):
    french = feed(client, "/feeds/latest.atom?reader=fr")
    assert entries(french) == FRENCH_ENTRIES
    # The feed's own words and links are the reader's.
    assert french.feed.language == "fr"
    assert french.feed.title == "ESTHER Knowledge Hub\u00a0: dernières ressources"
    assert french.feed.link == "http://testserver/fr/"
    # Each entry's permanent id is its version's: a reader subscribed in French follows French entries.
    assert french.entries[0].id == f"http://testserver/k/{ids['french_case_study']}/"
    english = feed(client, "/feeds/latest.atom")
    assert entries(english) == [
        ("Cutting surgical site infections in Bamako", "en", "http://testserver/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "http://testserver/library/lyon-bamako/mentoring/"),
        ("Bamako visitors", "en", "http://testserver/library/dublin-kisumu/visitors/"),
    ]
    assert english.feed.language == "en"


def test_a_readers_search_feed_lists_each_item_once_in_their_language(client, ids):
    french = feed(client, "/feeds/search.atom?q=bamako&reader=fr")
    # Newest first; the lesson matches through its partnership's name.
    assert entries(french) == FRENCH_ENTRIES
    assert french.feed.link == "http://testserver/fr/search/?q=bamako"
    assert [title for title, _lang, _link in entries(feed(client, "/feeds/search.atom?q=bamako"))] == [
        "Cutting surgical site infections in Bamako",
        "Mentoring outlasts workshops",
        "Bamako visitors",
    ]


def test_french_pages_link_the_french_feeds(client, ids):
    page = page_of(client.get("/fr/search/", {"q": "bamako"}))
    feeds = page.xpath('//head/link[@type="application/atom+xml"]/@href')
    assert feeds == ["/feeds/latest.atom?reader=fr", "/feeds/search.atom?q=bamako&reader=fr"]
    about = page_of(client.get("/fr/search/feed/", {"q": "bamako"}))
    assert about.xpath('//input[@id="feed-address"]/@value') == [
        "http://testserver/feeds/search.atom?q=bamako&reader=fr"
    ]
    listed = [text(a) for a in about.xpath('//ol[@class="feed-entries"]/li/a')]
    assert listed == [entry[0] for entry in entries(feed(client, "/feeds/search.atom?q=bamako&reader=fr"))]
    english = page_of(client.get("/"))
    assert english.xpath('//head/link[@type="application/atom+xml"]/@href') == ["/feeds/latest.atom"]


def test_a_feed_for_a_reader_language_not_offered_is_refused_with_words(client, ids):
    for url in ("/feeds/latest.atom?reader=xx", "/feeds/search.atom?q=bamako&reader=de"):
        response = client.get(url)
        assert response.status_code == 400
        assert response.content.decode().startswith("reader: Select a valid choice.")


def test_oai_pmh_keeps_a_record_per_language_version_each_with_its_language(client, ids):
    response = client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    tree = etree.fromstring(response.content)
    ns = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
    languages = {}
    for record in tree.xpath("//oai:record", namespaces=ns):
        title = record.xpath("string(.//dc:title)", namespaces=ns)
        languages[title] = record.xpath(".//dc:language/text()", namespaces=ns)
    assert languages["Cutting surgical site infections in Bamako"] == ["en"]
    assert languages["Réduire les infections du site opératoire à Bamako"] == ["fr"]
    assert languages["Mentoring outlasts workshops"] == ["en"]


# Outcomes ------------------------------------------------------------------------------------


def test_a_case_studys_outcomes_are_translated_for_its_readers(client, ids):
    french = CaseStudyPage.objects.get(pk=ids["french_case_study"])
    outcome = french.outcomes.get()
    assert (outcome.indicator, outcome.unit, outcome.source) == (
        "Infections du site opératoire après césarienne",
        "femmes opérées",
        "Registre de surveillance de l’hôpital",
    )
    assert (outcome.baseline, outcome.result) == (12, 5)  # figures are the source's
    table = page_of(client.get("/fr/library/lyon-bamako/ssi/")).xpath("//section[contains(@class, 'outcomes')]")[0]
    assert "Infections du site opératoire après césarienne" in text(table)
    assert "Surgical site infections" not in text(table)
    english = page_of(client.get("/library/lyon-bamako/ssi/")).xpath("//section[contains(@class, 'outcomes')]")[0]
    assert "Surgical site infections after caesarean section" in text(english)
    # The source's outcomes and the translation's are the same outcomes in two languages.
    source = CaseStudyPage.objects.get(pk=ids["case_study"]).outcomes.get()
    assert source.translation_key == outcome.translation_key
    assert (source.locale.language_code, outcome.locale.language_code) == ("en", "fr")


def test_tags_are_the_originals_shared_keywords_marked_with_its_language(client, ids):
    """Tags are the library's shared keywords: every version carries the original's, never
    translated per version (a French tag would fork the keyword), and says their language."""
    french = CaseStudyPage.objects.get(pk=ids["french_case_study"])
    assert [tag.name for tag in french.tags.all()] == ["surgical safety"]
    page = page_of(client.get("/fr/library/lyon-bamako/ssi/"))
    (tags,) = page.xpath("//dt[normalize-space()='Mots-clés']/following-sibling::dd")
    assert (text(tags), tags.get("lang")) == ("surgical safety", "en")
    # Not offered to translators: no segment for them in the French translation's PO file.
    source = TranslationSource.objects.get_for_instance(CaseStudyPage.objects.get(pk=ids["case_study"]))
    po = Translation.objects.get(source=source, target_locale__language_code="fr").export_po()
    assert "surgical safety" not in {entry.msgid for entry in po}
