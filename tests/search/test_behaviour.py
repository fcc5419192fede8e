"""What a reader of the search notices, for every engine that can run here (see conftest.ENGINES)."""

from datetime import date

import pytest
from wagtail.models import PageViewRestriction

from knowledge.models import FocusArea
from search.models import SearchSynonym
from search.query import SearchQuery
from search.service import find
from tests.factories import make_case_study, make_partnership

API = "/api/search/"


def titles(client, **params) -> list[str]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return [hit["title"] for hit in response.json()["results"]]


def facet(response_json, name) -> dict[str, dict]:
    return {option["value"]: option for option in response_json["facets"][name]}


def test_words_in_titles_summaries_and_bodies_are_found_title_first(client, corpus):
    found = titles(client, q="hygiene")
    assert found[0] == "Hand hygiene audits on surgical wards" or found[0] == "Hygiene of the operating theatre"
    assert set(found) == {"Hand hygiene audits on surgical wards", "Hygiene of the operating theatre"}
    assert titles(client, q="sputum") == ["Tuberculosis diagnosis needs a reliable sample transport"]


def test_every_word_must_match(client, corpus):
    assert titles(client, q="hygiene audits") == ["Hand hygiene audits on surgical wards"]


def test_accents_and_case_do_not_matter(client, corpus):
    assert titles(client, q="sante") == ["Santé communautaire et laboratoire à Bamako"]
    assert titles(client, q="SANTÉ COMMUNAUTAIRE") == ["Santé communautaire et laboratoire à Bamako"]
    assert titles(client, q="hopital") == ["Santé communautaire et laboratoire à Bamako"]


def test_words_are_stemmed(client, corpus):
    assert "Hand hygiene audits on surgical wards" in titles(client, q="audit")
    # Then the English item whose partnership's name says "laboratory" (the vocabulary's laboratoire).
    assert titles(client, q="laboratoires")[0] == "Santé communautaire et laboratoire à Bamako"


def test_typos_in_words_of_five_letters_or_more_are_forgiven(client, corpus):
    response = client.get(API, {"q": "hygeine"}).json()
    assert {hit["title"] for hit in response["results"]} >= {"Hand hygiene audits on surgical wards"}
    assert response["suggestion"] == "hygiene"
    # Four letters: no guessing.
    assert titles(client, q="wrad") == []


def test_did_you_mean_corrects_a_word_where_it_stands_and_keeps_the_rest_as_typed(client, corpus):
    assert client.get(API, {"q": "Santé l'hôpitl"}).json()["suggestion"] == "Santé l'hopital"
    assert client.get(API, {"q": "echantilons"}).json()["suggestion"] == "echantillons"
    # Words the index holds are never "corrected", whatever their accents, case or apostrophes,
    # nor words found through their stem (`audit` for `audits`, `laboratoires` for `laboratoire`).
    for text in ("Santé", "l'hôpital", "HYGIENE audits", "santé communautaire", "audit", "laboratoires"):
        assert client.get(API, {"q": text}).json()["suggestion"] is None, text
    # A correction that finds nothing under the same filters is not offered.
    assert client.get(API, {"q": "hygeine", "country": "ML"}).json()["suggestion"] is None


def test_quoted_phrases_match_exactly(client, corpus):
    assert titles(client, q='"hand hygiene"') == ["Hand hygiene audits on surgical wards"]


def test_synonyms_and_acronyms_find_each_other_and_editors_can_add_more(client, corpus, committed):
    assert titles(client, q="TB") == ["Tuberculosis diagnosis needs a reliable sample transport"]
    assert titles(client, q="genexpert") == ["Tuberculosis diagnosis needs a reliable sample transport"]
    assert titles(client, q="cartridge") == []
    SearchSynonym.objects.create(terms="GeneXpert, cartridge")
    assert titles(client, q="cartridge") == ["Tuberculosis diagnosis needs a reliable sample transport"]


@pytest.mark.parametrize(
    "text",
    [
        ":",
        "(",
        ")",
        '"unbalanced',
        'hygiene"',
        "AND",
        "OR",
        "NOT hygiene",
        "title:hygiene",
        "*",
        "hyg*",
        "\\",
        "NEAR(a b)",
        "-hygiene",
        "^",
        "{}",
        "[]",
        "'",
        "a'b",
        "hygiene AND",
        "&&",
        "||",
        "!",
        "~2",
        "/",
        "+",
        "<->",
        "hiv/aids",
        "l'hôpital",
        "😷",
        "ש",
        "\u200b",
        "\u202e",
        "x" * 600,
    ],
)
def test_operators_typed_by_users_never_cause_an_error(client, corpus, text):
    for endpoint in (API, "/search/", "/api/search/autocomplete/"):
        response = client.get(endpoint, {"q": text})
        assert response.status_code == 200, (endpoint, text, response.content[:300])


def test_of_three_words_or_more_items_with_most_of_them_are_found_after_those_with_all(client, corpus):
    response = client.get(API, {"q": "surgical hygiene audits"}).json()
    assert [hit["title"] for hit in response["results"]] == [
        "Hand hygiene audits on surgical wards",  # all three words
        "Hygiene of the operating theatre",  # hygiene, and surgical in its partnership's name
    ]
    assert response["relaxed"] is False
    # Two words: both must match.
    assert titles(client, q="hygiene audits") == ["Hand hygiene audits on surgical wards"]


def test_items_with_the_words_close_together_rank_first(client, corpus, committed, lome):
    with committed():
        make_case_study(
            lome,
            title="Courier rota",
            summary="Specimen transport to the district laboratory now runs daily and reaches every clinic on time.",
        )
        make_case_study(lome, title="Ward rota", summary="A specimen, labels, gloves, forms and transport.")
    assert titles(client, q="specimen transport") == ["Courier rota", "Ward rota"]


def test_when_no_item_has_every_word_items_with_some_are_shown(client, corpus):
    response = client.get(API, {"q": "hygiene zzzzqqqq"}).json()
    assert response["relaxed"] is True
    assert response["total"] == 2
    # A word too short to be a typo of another, that no item holds, still counts as typed.
    response = client.get(API, {"q": "hygiene zqxw"}).json()
    assert response["relaxed"] is True
    assert response["total"] == 2


@pytest.fixture
def lome(library):
    """A partnership of its own for the items a ranking test adds to the corpus."""
    return make_partnership(library, title="Lyon–Lomé partnership", slug="lyon-lome")


def test_a_search_in_one_language_finds_items_in_another_after_those_in_its_own(client, corpus, committed, lome):
    with committed():
        make_case_study(
            lome,
            title="L'hygiène des mains au bloc opératoire",
            summary="Les audits d'hygiène des mains ont doublé l'observance.",
            language="fr",
        )
    assert titles(client, q="hygiène des mains") == [
        "L'hygiène des mains au bloc opératoire",  # in the words typed
        "Hand hygiene audits on surgical wards",  # through the vocabulary: "hand hygiene"
    ]


def test_an_item_whose_summary_answers_outranks_one_that_only_carries_the_word_as_a_tag(
    client, corpus, committed, lome
):
    with committed():
        make_case_study(lome, title="Theatre rota", summary="A new rota.", tags=["autoclave"])
        make_case_study(
            lome,
            title="Instruments ready on time",
            summary="Every autoclave cycle is logged and checked before the first operation.",
        )
    response = client.get(API, {"q": "autoclave"}).json()
    assert [hit["title"] for hit in response["results"]] == ["Instruments ready on time", "Theatre rota"]
    # Each hit shows why it was found: a marked passage, or where else it matched.
    answers, tagged = response["results"]
    assert answers["highlights"] and answers["matched_in"] == []
    assert tagged["highlights"] == [] and tagged["matched_in"] == ["tags"]
    page = client.get("/search/", {"q": "autoclave"}).content.decode()
    assert "Found in its tags" in page


def test_highlights_mark_matched_words_and_escape_the_rest(client, corpus, committed):
    with committed():
        make_case_study(corpus["kisumu"], title="Markup test", summary="The <b>audit</b> tool & its results.")
    hit = next(h for h in client.get(API, {"q": "audit tool"}).json()["results"] if h["title"] == "Markup test")
    assert "&lt;b&gt;<mark>audit</mark>&lt;/b&gt;" in hit["highlights"][0]
    assert "&amp;" in hit["highlights"][0]


def test_facet_counts_or_within_and_across_and_ignore_their_own_filter(client, corpus):
    everything = client.get(API).json()
    assert everything["total"] == 5
    assert facet(everything, "type")["case-study"]["count"] == 3
    assert facet(everything, "country")["KE"]["count"] == 3
    assert facet(everything, "region")["africa"]["count"] == 5

    narrowed = client.get(API, {"focus_area": "quality-and-safety-of-care"}).json()
    assert narrowed["total"] == 3
    areas = facet(narrowed, "focus_area")
    # Its own facet still counts as if nothing were chosen there, so readers can add values (OR).
    assert areas["quality-and-safety-of-care"] == {
        "value": "quality-and-safety-of-care",
        "label": "Quality and safety of care",
        "count": 3,
        "selected": True,
    }
    assert areas["health-information-systems"]["count"] == 1
    assert facet(narrowed, "type")["case-study"]["count"] == 2  # other facets apply the filter (AND)

    either = client.get(API, {"focus_area": ["quality-and-safety-of-care", "health-information-systems"]}).json()
    assert either["total"] == 4
    both = client.get(API, {"focus_area": "quality-and-safety-of-care", "type": "testimonial"}).json()
    assert both["total"] == 1
    assert client.get(API, {"country": "ug"}).json()["total"] == 1
    assert client.get(API, {"partnership": "lyon-bamako"}).json()["total"] == 2
    assert client.get(API, {"lang": "fr"}).json()["total"] == 1
    assert client.get(API, {"region": "africa", "year_from": 2021, "year_to": 2023}).json()["total"] == 2
    years = facet(client.get(API, {"year_from": 2021, "year_to": 2021}).json(), "year")
    assert years["2021"]["selected"] and years["2019"]["count"] == 1


def test_sorting_and_stable_pagination(client, corpus):
    newest = titles(client, sort="newest")
    assert newest[0] == "A theatre nurse on surgical safety"
    assert titles(client, sort="oldest") == list(reversed(newest))
    first = client.get(API, {"sort": "newest", "page_size": 10, "page": 1}).json()
    assert first["pages"] == 1
    pages = [titles(client, sort="oldest", page=n, page_size=10) for n in (1, 2)]
    assert pages[1] == [] and pages[0] == list(reversed(newest))


def test_drafts_private_pages_and_unpublished_revisions_are_never_returned(client, corpus, committed):
    with committed():
        make_case_study(corpus["kisumu"], title="Draft about dialysis", live=False)
        published = make_case_study(corpus["kisumu"], title="Published about dialysis")
    assert titles(client, q="dialysis") == ["Published about dialysis"]

    # An unpublished revision with a new word is not searchable until published.
    with committed():
        published.title = "Published about dialysis and haemodialysis"
        published.save_revision()
    assert titles(client, q="haemodialysis") == []

    with committed():
        PageViewRestriction.objects.create(page=published, restriction_type="login")
    assert titles(client, q="dialysis") == []

    with committed():
        PageViewRestriction.objects.filter(page=published).delete()
    assert titles(client, q="dialysis") == ["Published about dialysis"]

    with committed():
        published.unpublish()
    assert titles(client, q="dialysis") == []


def test_moves_renames_and_deletions_reach_the_index(client, corpus, library, committed):
    hygiene = corpus["hygiene"]
    other = make_partnership(library, title="Other partnership", slug="other-partnership")
    with committed():
        hygiene.move(other, pos="last-child")
    assert client.get(API, {"partnership": "other-partnership"}).json()["total"] == 1

    area = FocusArea.objects.get(slug="quality-and-safety-of-care")
    with committed():
        area.slug = "quality-safety"
        area.save()
    assert client.get(API, {"focus_area": "quality-safety"}).json()["total"] == 3

    with committed():
        corpus["separated"].delete()
    assert "Hygiene of the operating theatre" not in titles(client, q="hygiene")


def test_autocomplete_completes_title_prefixes_without_accents(client, corpus):
    suggestions = client.get("/api/search/autocomplete/", {"q": "hyg"}).json()["suggestions"]
    assert {s["title"] for s in suggestions} == {
        "Hand hygiene audits on surgical wards",
        "Hygiene of the operating theatre",
    }
    assert suggestions[0]["url"].startswith("/library/")
    french = client.get("/api/search/autocomplete/", {"q": "sant"}).json()["suggestions"]
    assert [s["title"] for s in french] == ["Santé communautaire et laboratoire à Bamako"]
    assert client.get("/api/search/autocomplete/", {"q": "surgical saf"}).json()["suggestions"][0]["title"] == (
        "A theatre nurse on surgical safety"
    )


def test_related_items_come_from_the_engine(client, corpus):
    html = client.get(corpus["hygiene"].url).content.decode()
    related = html.split('id="related-heading"', 1)[1]
    assert "Hygiene of the operating theatre" in related


def test_related_items_follow_what_is_published_after_a_page_was_viewed(client, corpus, committed):
    def related_on_the_hygiene_page() -> str:
        html = client.get(corpus["hygiene"].url).content.decode()
        return html.split('id="related-heading"', 1)[1]

    with committed():  # enough items that words shared by two of them count as distinctive
        for topic in ("Cold chain for vaccines", "Tender rules for generic medicines", "Stock cards in pharmacies"):
            make_case_study(corpus["bamako"], title=topic, focus=("medicines-and-procurement",))
    assert "Peer auditors" not in related_on_the_hygiene_page()

    with committed():
        make_case_study(
            corpus["bamako"],
            title="Peer auditors and the five moments",
            summary="Observed compliance rose every month.",
            focus=("health-policy",),  # not the hygiene item's area: only the engine can relate them
        )
    assert "Peer auditors and the five moments" in related_on_the_hygiene_page()


def test_the_search_page_shows_hits_facets_and_keeps_its_url(client, corpus):
    response = client.get("/search/", {"q": "hygiene", "type": "case-study"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 results" in html
    assert "</time> · Kenya</p>" in html and "</time> · Kenya, Uganda</p>" in html  # country names, not codes
    assert "<mark>hygiene</mark>" in html.lower() or "<mark>Hygiene</mark>" in html
    # Facet links toggle one value and go back to page 1, in a stable parameter order.
    assert 'href="?q=hygiene&amp;type=case-study&amp;focus_area=quality-and-safety-of-care"' in html
    assert 'href="?q=hygiene"' in html  # un-choosing the type


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "abc"},
        {"page": "0"},
        {"sort": "random"},
        {"type": "podcast"},
        {"country": "XX"},
        {"year_from": "then"},
        {"year_from": "2024", "year_to": "2020"},
        {"page_size": "1000"},
        {"q": "a\x00b"},
    ],
)
def test_bad_parameters_get_a_400_that_names_them(client, corpus, params):
    response = client.get(API, params)
    assert response.status_code == 400
    name = next(iter(params))
    assert name in response.json()["error"] or "year" in response.json()["error"]
    page = client.get("/search/", params)
    assert page.status_code == 400 and "This search could not be run" in page.content.decode()


def test_focus_area_country_and_partnership_pages_search_within_themselves(client, corpus, library):
    for url, parameter, value in (
        (f"{library.url}focus-areas/health-information-systems/", "focus_area", "health-information-systems"),
        (f"{library.url}countries/ML/", "country", "ML"),
        (corpus["bamako"].url, "partnership", "lyon-bamako"),
    ):
        html = client.get(url).content.decode()
        assert f'<input type="hidden" name="{parameter}" value="{value}">' in html
        if parameter == "partnership":
            assert f'href="/search/?{parameter}={value}"' in html  # all its items, with filters, in search
        else:
            assert '<details class="filters">' in html  # a listing has the search's filters itself
        scoped = client.get(API, {parameter: value, "q": "communautaire"}).json()
        assert [hit["title"] for hit in scoped["results"]] == ["Santé communautaire et laboratoire à Bamako"]


def test_facet_links_say_in_words_whether_they_are_selected(client, corpus):
    """Screen readers hear each facet value's state; no character stands for it (the box is drawn
    by the stylesheet), and it is said in the reader's language."""
    from lxml import html

    for prefix, chosen, other in (("", "selected", "not selected"), ("/fr", "sélectionné", "non sélectionné")):
        page = html.fromstring(client.get(f"{prefix}/search/", {"type": "case-study"}).content.decode())
        links = page.xpath("//section[contains(@class, 'facet')]//a")
        assert links
        states = {}
        for link in links:
            text = " ".join(link.text_content().split())
            assert "☐" not in text and "☑" not in text, text
            (said,) = link.xpath(".//span[@class='visually-hidden']")
            states[text] = said.text_content().strip(", ")
        assert set(states.values()) == {chosen, other}
        selected = [text for text, said in states.items() if said == chosen]
        assert len(selected) == 1 and selected[0].startswith(("Case studies", "Études de cas")), selected


# Relevance rules (issue 19): the same on every engine -------------------------------------------


def test_words_written_joined_hyphenated_or_apart_find_each_other(client, corpus, committed, lome):
    """A general rule, not a list: `workload` is in no synonym group."""
    with committed():
        for title, summary in (
            ("Rota A", "The workload of night nurses doubled."),
            ("Rota B", "The work-load of the ward fell."),
            ("Rota C", "Their work load was measured."),
        ):
            make_case_study(lome, title=title, summary=summary, body=[])
    for text in ("workload", "work-load", "work load", "workloads"):
        assert set(titles(client, q=text)) == {"Rota A", "Rota B", "Rota C"}, text


def test_equal_scores_come_newest_first_whatever_order_they_were_indexed_in(client, corpus, committed, lome):
    for year in (2015, 2017, 2016):  # each in a commit of its own: its own segment of a tantivy index
        with committed():
            make_case_study(
                lome,
                title="Autoclave logbook",
                slug=f"autoclave-logbook-{year}",
                summary="Every autoclave cycle is logged.",
                publication_date=date(year, 5, 1),
                body=[],
            )

    def urls(**params) -> list[str]:
        return [hit["url"].rstrip("/").rsplit("/", 1)[-1] for hit in client.get(API, params).json()["results"]]

    expected = ["autoclave-logbook-2017", "autoclave-logbook-2016", "autoclave-logbook-2015"]
    assert urls(q="autoclave logbook") == expected
    # Page by page (pages of one, which only the service offers), each item once, in the same order.
    paged = [find(SearchQuery(text="autoclave logbook", page=page, page_size=1)).hits for page in (1, 2, 3)]
    assert [hit.url.rstrip("/").rsplit("/", 1)[-1] for hits in paged for hit in hits] == expected


def test_a_synonym_is_found_in_its_inflected_forms_and_through_a_corrected_typo(client, corpus, committed, lome):
    # The vocabulary (migrations 0003, 0011) has "nurse, ..., enfermera" and "PPH, postpartum haemorrhage, ...".
    assert titles(client, q="enfermeras") == ["A theatre nurse on surgical safety"]
    with committed():
        make_case_study(lome, title="Bundle", summary="The postpartum haemorrhage bundle arrived.", body=[])
        make_case_study(lome, title="Drills", summary="Monthly PPH drills on the labour ward.", body=[])
    assert set(titles(client, q="postpartum haemorage")) == {"Bundle", "Drills"}


def test_typos_are_forgiven_in_the_words_typed_not_in_their_synonyms(client, corpus, committed, lome):
    """A synonym is the vocabulary's word as editors spelt it: one that no item holds is not
    "corrected" into another word (`triage` into `tirage`)."""
    SearchSynonym.objects.create(terms="sorting, triage")
    with committed():
        make_case_study(lome, title="Lottery", summary="The tirage of the annual lottery.", body=[])
    assert "Lottery" not in titles(client, q="sorting")
    assert titles(client, q="tirgae") == ["Lottery"]  # typed: one edit from `tirage`, forgiven


def test_a_multi_word_synonym_finds_its_inflected_forms(client, corpus, committed, lome):
    # "stock-out, ..., rupture de stock, ..." (migration 0011); the item writes the plural.
    with committed():
        make_case_study(
            lome, title="Antipaludiques", summary="Les ruptures de stock ont cessé.", language="fr", body=[]
        )
    assert titles(client, q="stock-out") == ["Antipaludiques"]


def test_the_short_portuguese_and_spanish_names_of_community_health_workers_find_them(client, corpus, committed, lome):
    # "community health workers, ..., agentes comunitários, ..., agentes comunitarios, ..." (migration 0013)
    with committed():
        make_case_study(lome, title="Village rounds", summary="Community health workers visit each village.", body=[])
    for typed in ("agentes comunitários", "agentes comunitarios"):
        response = client.get(API, {"q": typed}).json()
        assert response["relaxed"] is False
        assert "Village rounds" in [hit["title"] for hit in response["results"]]


def test_function_words_typed_among_others_are_neither_required_nor_marked(client, corpus, committed, lome):
    with committed():
        make_case_study(lome, title="Rota D", summary="Hand hygiene audits: the role of the ward manager.", body=[])
    response = client.get(API, {"q": "the hygiene of audits"}).json()
    assert response["relaxed"] is False
    found = {hit["title"]: hit for hit in response["results"]}
    assert set(found) == {"Hand hygiene audits on surgical wards", "Rota D"}
    passage = found["Rota D"]["highlights"][0]
    assert "<mark>hygiene</mark>" in passage and "<mark>audits</mark>" in passage
    assert "<mark>the</mark>" not in passage.lower() and "<mark>of</mark>" not in passage
