"""Content in the readers' languages: an item translated with wagtail-localize is what a French
reader reads, listings and search show each item once (its version in the reader's language, else
the original, marked with its own language), and the translation keeps in step with its source."""

import pytest
from lxml import html
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from knowledge.models import CaseStudyPage, LessonPage
from knowledge.publishing.translation import translate_from_memory
from tests.factories import home_page, make_case_study, make_lesson, make_partnership

FRENCH = {
    "Library": "Bibliothèque",
    "Lyon–Bamako laboratory partnership": "Partenariat Lyon–Bamako pour la qualité des laboratoires",
    "A test partnership.": "Un partenariat de test.",
    "Cutting surgical site infections in Bamako": "Réduire les infections du site opératoire à Bamako",
    "What was done and what it achieved.": "Ce qui a été fait et ce que cela a donné.",
    "What we did": "Ce que nous avons fait",
    "Hand hygiene audits on every ward, every month.": "Des audits d’hygiène des mains dans chaque service.",
}


def page_of(response) -> html.HtmlElement:
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture
def translated(library, django_capture_on_commit_callbacks):
    """A partnership with a case study translated into French and a lesson that is not; the
    French home page and library, as an editor makes them. Indexed as after a commit."""
    french = Locale.objects.get(language_code="fr")
    with django_capture_on_commit_callbacks(execute=True):
        partnership = make_partnership(
            library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML"
        )
        case_study = make_case_study(partnership, title="Cutting surgical site infections in Bamako", slug="ssi")
        lesson = make_lesson(partnership, title="Mentoring outlasts workshops", slug="mentoring")
        french_home = home_page().copy_for_translation(french)
        french_home.save_revision().publish()
        french_library = translate_from_memory(library, french, FRENCH)
        french_partnership = translate_from_memory(partnership, french, FRENCH)
        french_case_study = translate_from_memory(case_study, french, FRENCH)
    return {
        "partnership": partnership,
        "case_study": case_study,
        "lesson": lesson,
        "french_library": french_library,
        "french_partnership": french_partnership,
        "french_case_study": french_case_study,
    }


def test_a_translation_is_made_with_the_translation_memory_and_is_in_its_language(translated):
    french = translated["french_case_study"].specific
    assert french.live and french.locale.language_code == "fr" and french.language == "fr"
    assert french.title == "Réduire les infections du site opératoire à Bamako"
    assert french.translation_key == translated["case_study"].translation_key
    # Under the partnership's translation, which is the item's partnership.
    assert french.get_parent().pk == translated["french_partnership"].pk == french.partnership_id
    source = TranslationSource.objects.get_for_instance(translated["case_study"])
    translation = Translation.objects.get(source=source, target_locale__language_code="fr")
    po = translation.export_po()
    assert {entry.msgid: entry.msgstr for entry in po}["What we did"] == "Ce que nous avons fait"


def test_a_french_reader_reads_the_french_item_and_the_french_partnership(client, translated):
    page = page_of(client.get("/fr/library/lyon-bamako/ssi/"))
    title = page.xpath("//h1")[0]
    assert (text(title), title.get("lang")) == ("Réduire les infections du site opératoire à Bamako", "fr")
    assert page.xpath("//html")[0].get("lang") == "fr"
    assert not page.xpath("//*[@class='content-language']")  # in the reader's language: no label
    assert "Des audits d’hygiène des mains dans chaque service" in text(page.xpath("//div[@class='body']")[0])
    partnership_link = page.xpath("//nav[@class='breadcrumbs']/a[@href='/fr/library/lyon-bamako/']")[0]
    assert text(partnership_link) == "Partenariat Lyon–Bamako pour la qualité des laboratoires"
    assert partnership_link.get("lang") == "fr"

    partnership = page_of(client.get("/fr/library/lyon-bamako/"))
    assert text(partnership.xpath("//h1")[0]) == "Partenariat Lyon–Bamako pour la qualité des laboratoires"
    # Its items: the translated one linked to its translation, the other to the original under /fr/.
    cards = {(text(a), a.get("lang"), a.get("href")) for a in partnership.xpath("//*[@class='card-title']/a")}
    assert cards == {
        ("Réduire les infections du site opératoire à Bamako", "fr", "/fr/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "/fr/library/lyon-bamako/mentoring/"),
    }


def test_an_untranslated_item_shows_the_original_marked_with_its_language(client, translated):
    page = page_of(client.get("/fr/library/lyon-bamako/mentoring/"))
    title = page.xpath("//h1")[0]
    assert (text(title), title.get("lang")) == ("Mentoring outlasts workshops", "en")
    # Its partnership as a French reader reads it.
    partnership_link = page.xpath("//nav[@class='breadcrumbs']/a[@href='/fr/library/lyon-bamako/']")[0]
    assert text(partnership_link) == "Partenariat Lyon–Bamako pour la qualité des laboratoires"
    assert [text(label) for label in page.xpath("//*[@class='content-language']")] == ["En anglais"]
    assert page.xpath("//html")[0].get("lang") == "fr"
    # In English, nothing to say.
    assert not page_of(client.get("/library/lyon-bamako/mentoring/")).xpath("//*[@class='content-language']")
    # In Portuguese, where neither is translated, both are the English originals, labelled.
    for slug in ("ssi", "mentoring"):
        labels = page_of(client.get(f"/pt/library/lyon-bamako/{slug}/")).xpath("//*[@class='content-language']")
        assert [text(label) for label in labels] == ["Em inglês"]


def test_the_switcher_and_hreflang_point_at_the_translation(client, translated):
    page = page_of(client.get("/library/lyon-bamako/ssi/"))
    alternates = {link.get("hreflang"): link.get("href") for link in page.xpath("//head/link[@hreflang]")}
    assert alternates["fr"] == "http://testserver/fr/library/lyon-bamako/ssi/"
    assert alternates["pt"] == "http://testserver/pt/library/lyon-bamako/ssi/"
    switcher = {a.get("hreflang"): a.get("href") for a in page.xpath("//nav[@class='language']//a")}
    assert switcher["fr"] == "/fr/library/lyon-bamako/ssi/"
    back = page_of(client.get(switcher["fr"]))
    assert {a.get("hreflang"): a.get("href") for a in back.xpath("//nav[@class='language']//a")}["en"] == (
        "/library/lyon-bamako/ssi/"
    )


def test_the_library_lists_each_item_once_in_the_readers_language(client, translated):
    cards = page_of(client.get("/fr/library/")).xpath("//*[@class='card-title']/a")
    assert sorted((text(a), a.get("lang"), a.get("href")) for a in cards) == [
        ("Mentoring outlasts workshops", "en", "/fr/library/lyon-bamako/mentoring/"),
        ("Réduire les infections du site opératoire à Bamako", "fr", "/fr/library/lyon-bamako/ssi/"),
    ]
    cards = page_of(client.get("/library/")).xpath("//*[@class='card-title']/a")
    assert sorted((text(a), a.get("lang"), a.get("href")) for a in cards) == [
        ("Cutting surgical site infections in Bamako", "en", "/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "/library/lyon-bamako/mentoring/"),
    ]


def test_a_translated_librarys_indexes_count_every_item_once(client, translated):
    """The focus-area and country indexes of the French library count what the English one does:
    every item (once), not only the translated ones."""
    for index in ("focus-areas", "countries"):
        english = [text(p) for p in page_of(client.get(f"/library/{index}/")).xpath("//*[@class='count']")]
        french = [text(p) for p in page_of(client.get(f"/fr/library/{index}/")).xpath("//*[@class='count']")]
        assert [c.split()[0] for c in french] == [c.split()[0] for c in english] and english, index


def test_the_home_pages_latest_items_are_in_the_readers_language(client, translated):
    titles = [text(a) for a in page_of(client.get("/fr/")).xpath("//*[@class='card-title']/a")]
    assert "Réduire les infections du site opératoire à Bamako" in titles
    assert "Cutting surgical site infections in Bamako" not in titles
    english = [text(a) for a in page_of(client.get("/")).xpath("//*[@class='card-title']/a")]
    assert "Cutting surgical site infections in Bamako" in english


def hits(client, url: str) -> list[tuple[str, str, str]]:
    page = page_of(client.get(url))
    return [(text(a), a.get("lang"), a.get("href")) for a in page.xpath("//h2[@class='hit-title']/a")]


def test_search_shows_each_item_once_in_the_readers_language(client, translated):
    assert sorted(hits(client, "/fr/search/")) == [
        ("Mentoring outlasts workshops", "en", "/fr/library/lyon-bamako/mentoring/"),
        ("Réduire les infections du site opératoire à Bamako", "fr", "/fr/library/lyon-bamako/ssi/"),
    ]
    assert sorted(hits(client, "/search/")) == [
        ("Cutting surgical site infections in Bamako", "en", "/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "/library/lyon-bamako/mentoring/"),
    ]
    # No Portuguese translation: the originals.
    assert sorted(hits(client, "/pt/search/")) == [
        ("Cutting surgical site infections in Bamako", "en", "/pt/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "/pt/library/lyon-bamako/mentoring/"),
    ]
    # Words of either version find the reader's version, once.
    assert hits(client, "/fr/search/?q=infections") == [
        ("Réduire les infections du site opératoire à Bamako", "fr", "/fr/library/lyon-bamako/ssi/")
    ]
    assert hits(client, "/search/?q=infections") == [
        ("Cutting surgical site infections in Bamako", "en", "/library/lyon-bamako/ssi/")
    ]
    # Totals and facet counts count items, not versions (the API answers in English: the originals).
    answer = client.get("/api/search/").json()
    assert answer["total"] == 2
    assert {option["value"]: option["count"] for option in answer["facets"]["language"]} == {"en": 2}
    assert "reader" not in answer["facets"]


def test_unpublishing_a_translation_brings_the_original_back_to_its_readers(
    client, translated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        translated["french_case_study"].unpublish()
    assert sorted(hits(client, "/fr/search/")) == [
        ("Cutting surgical site infections in Bamako", "en", "/fr/library/lyon-bamako/ssi/"),
        ("Mentoring outlasts workshops", "en", "/fr/library/lyon-bamako/mentoring/"),
    ]


def test_a_change_to_the_source_reaches_the_translation_when_synced(admin_client, translated):
    case_study = CaseStudyPage.objects.get(pk=translated["case_study"].pk)
    case_study.summary = "A new summary."
    case_study.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(case_study)
    response = admin_client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    assert response.status_code == 302
    french = CaseStudyPage.objects.get(pk=translated["french_case_study"].pk)
    # Not yet translated: the new text shows in the source language until a translator's turn.
    assert french.summary == "A new summary."
    assert french.title == "Réduire les infections du site opératoire à Bamako"
    assert LessonPage.objects.filter(locale__language_code="fr").count() == 0
