"""Item pages describe themselves to machines: Highwire Press tags (Google Scholar, Zotero),
OpenGraph, and schema.org JSON-LD, read here with lxml and pyld as those clients would."""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from lxml import html as lxml_html
from PIL import Image as PILImage
from pyld import jsonld
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction, Site

from home.models import SiteSettings
from knowledge.models import CaseStudyAttachment, CaseStudyAuthor, Person
from tests.factories import PersonFactory, make_case_study, make_lesson, make_partnership, make_testimonial

pytestmark = pytest.mark.django_db

SCHEMA = "http://schema.org/"


def schema_org_loader(url, options=None):
    """schema.org's context, reduced to what expansion needs here, so tests run offline."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    context = {"@vocab": SCHEMA, "url": {"@type": "@id"}, "sameAs": {"@type": "@id"}, "license": {"@type": "@id"}}
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": context}}


def head(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content).head


def meta(tree, name):
    return [el.get("content") for el in tree.xpath(f'//meta[@name="{name}"]')]


def prop(tree, name):
    return [el.get("content") for el in tree.xpath(f'//meta[@property="{name}"]')]


def json_ld(tree):
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    expanded = jsonld.expand(data, {"documentLoader": schema_org_loader})
    return data, expanded[0]


def values(node, key):
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA + key, [])]


def small_jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), "teal").save(buffer, "JPEG")
    return ImageFile(buffer, name="ward.jpg")


@pytest.fixture
def full_case_study(partnership):
    author = Person.objects.create(name="Awa Diallo", orcid="0000-0002-1825-0097", institution=None)
    second = PersonFactory(name="Jean Martin")
    pdf = Document.objects.create(title="Full report", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"))
    image = Image.objects.create(title="Ward", file=small_jpeg())
    return make_case_study(
        partnership,
        title="Cutting surgical site infections in Bamako",
        summary="Audits halved infections.",
        focus=("quality-and-safety-of-care", "health-workforce-capacity"),
        countries=["ML", "SN"],
        tags=["ipc"],
        licence="CC-BY-SA-4.0",
        image=image,
        authors=[CaseStudyAuthor(person=author), CaseStudyAuthor(person=second)],
        attachments=[CaseStudyAttachment(document=pdf)],
    )


def test_case_study_carries_highwire_tags_google_scholar_reads(client, full_case_study):
    tree = head(client.get(full_case_study.url))
    url = f"http://testserver{full_case_study.url}"
    assert meta(tree, "citation_title") == ["Cutting surgical site infections in Bamako"]
    assert meta(tree, "citation_author") == ["Awa Diallo", "Jean Martin"]
    assert meta(tree, "citation_publication_date") == ["2024/05/01"]
    assert meta(tree, "citation_publisher") == ["ESTHER Alliance for Global Health Partnerships"]
    assert meta(tree, "citation_language") == ["en"]
    assert meta(tree, "citation_abstract_html_url") == [url]
    assert meta(tree, "citation_keywords") == ["Quality and safety of care", "Health workforce capacity"]
    [pdf_url] = meta(tree, "citation_pdf_url")
    # The stored name gains a suffix when another test left a report.pdf in the shared media folder.
    assert pdf_url.startswith("http://") and pdf_url.endswith("/" + Document.objects.get(title="Full report").filename)
    assert client.get(pdf_url).status_code == 200


def test_case_study_carries_opengraph_tags(client, full_case_study):
    tree = head(client.get(full_case_study.url))
    assert prop(tree, "og:title") == ["Cutting surgical site infections in Bamako"]
    assert prop(tree, "og:description") == ["Audits halved infections."]
    assert prop(tree, "og:type") == ["article"]
    assert prop(tree, "og:url") == [f"http://testserver{full_case_study.url}"]
    assert prop(tree, "og:site_name") == ["ESTHER Knowledge Hub"]
    assert prop(tree, "og:locale") == ["en_GB"]
    [image] = prop(tree, "og:image")
    assert image.startswith("http://") and image.endswith(".jpg")
    assert prop(tree, "og:image:width") == ["1200"] and prop(tree, "og:image:height") == ["630"]
    assert prop(tree, "article:published_time") == ["2024-05-01"]
    assert prop(tree, "article:tag") == ["Quality and safety of care", "Health workforce capacity", "ipc"]


def test_case_study_json_ld_is_a_scholarly_article(client, full_case_study, partnership):
    data, node = json_ld(head(client.get(full_case_study.url)))
    assert node["@type"] == [SCHEMA + "ScholarlyArticle"]
    assert values(node, "headline") == ["Cutting surgical site infections in Bamako"]
    assert values(node, "name") == ["Cutting surgical site infections in Bamako"]
    assert values(node, "datePublished") == ["2024-05-01"]
    assert values(node, "dateModified")[0][:10] == full_case_study.last_published_at.date().isoformat()
    assert values(node, "inLanguage") == ["en"]
    assert values(node, "abstract") == ["Audits halved infections."]
    assert values(node, "url") == [f"http://testserver{full_case_study.url}"]
    assert values(node, "license") == ["https://creativecommons.org/licenses/by-sa/4.0/"]
    authors = node[SCHEMA + "author"]
    assert [a["@type"] for a in authors] == [[SCHEMA + "Person"]] * 2
    assert [values(a, "name") for a in authors] == [["Awa Diallo"], ["Jean Martin"]]
    assert values(authors[0], "sameAs") == ["https://orcid.org/0000-0002-1825-0097"]
    assert [values(a, "name")[0] for a in node[SCHEMA + "about"]] == [
        "Quality and safety of care",
        "Health workforce capacity",
    ]
    countries = node[SCHEMA + "spatialCoverage"]
    assert {(values(c, "name")[0], values(c, "identifier")[0]) for c in countries} == {
        ("Mali", "ML"),
        ("Senegal", "SN"),
    }
    assert all(c["@type"] == [SCHEMA + "Country"] for c in countries)
    [publisher] = node[SCHEMA + "publisher"]
    assert publisher["@type"] == [SCHEMA + "Organization"]
    assert values(publisher, "name") == ["ESTHER Alliance for Global Health Partnerships"]
    [part_of] = node[SCHEMA + "isPartOf"]
    assert values(part_of, "name") == ["Lyon–Bamako laboratory partnership"]
    assert values(part_of, "url") == [f"http://testserver{partnership.url}"]


def test_lessons_and_testimonials_are_articles_by_the_partnership_institutions(client, partnership):
    lesson = make_lesson(partnership, title="Mentoring outlasts workshops", language="fr", countries=["ML"])
    testimonial = make_testimonial(partnership, title="A lab manager speaks")
    institutions = [i.name for i in (*partnership.north_institutions.all(), *partnership.south_institutions.all())]
    for page in (lesson, testimonial):
        tree = head(client.get(page.url))
        assert meta(tree, "citation_author") == institutions
        assert meta(tree, "citation_pdf_url") == []
        _data, node = json_ld(tree)
        assert node["@type"] == [SCHEMA + "Article"]
        assert [a["@type"] for a in node[SCHEMA + "author"]] == [[SCHEMA + "Organization"]] * len(institutions)
        assert SCHEMA + "license" not in node
        assert prop(tree, "og:image") == []
    tree = head(client.get(lesson.url))
    assert meta(tree, "citation_language") == ["fr"] and prop(tree, "og:locale") == ["fr_FR"]


def test_a_title_cannot_break_out_of_the_json_ld_script(client, partnership):
    title = 'Audit </script><script>alert("x")</script> & <b>more</b>'
    page = make_case_study(partnership, title=title)
    response = client.get(page.url)
    raw = response.content.decode()
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003c/script\\u003e" in block and "\\u0026" in block
    tree = head(response)
    data, node = json_ld(tree)
    assert data["headline"] == title and values(node, "name") == [title]
    assert meta(tree, "citation_title") == [title]
    # No script element was opened by the title: the only one mentioning it is the JSON-LD.
    scripts = tree.getroottree().xpath("//script[contains(., 'alert')]")
    assert [script.get("type") for script in scripts] == ["application/ld+json"]


def test_publisher_falls_back_to_the_site_name(client, settings, partnership):
    page = make_lesson(partnership)
    SiteSettings.objects.update_or_create(site=Site.objects.get(is_default_site=True), defaults={"publisher": ""})
    settings.WAGTAIL_SITE_NAME = "Hub of Evidence"
    tree = head(client.get(page.url))
    assert meta(tree, "citation_publisher") == ["Hub of Evidence"]
    _data, node = json_ld(tree)
    assert values(node[SCHEMA + "publisher"][0], "name") == ["Hub of Evidence"]


def test_unpublished_changes_and_private_items_stay_out_of_metadata(client, partnership):
    page = make_case_study(partnership, title="Published title", summary="Published summary.")
    page.title, page.summary = "Draft title", "Draft summary."
    page.save_revision()
    raw = client.get(page.url).content.decode()
    assert "Published title" in raw and "Draft title" not in raw and "Draft summary" not in raw

    secret = make_case_study(partnership, title="Steering group only")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    raw = client.get(secret.url).content.decode()
    assert "Steering group only" not in raw and "citation_title" not in raw and "ld+json" not in raw

    draft = make_case_study(partnership, title="Never published", live=False)
    assert client.get(draft.url).status_code == 404


def test_item_page_queries_do_not_grow_with_its_taxonomy(client, library, queries_for):
    partnership = make_partnership(library)

    small = make_lesson(partnership, focus=("health-policy",), countries=["KE"], tags=["a"])
    large = make_lesson(
        partnership,
        focus=("health-policy", "health-workforce-capacity", "quality-and-safety-of-care"),
        countries=["KE", "UG", "TZ"],
        tags=["a", "b", "c"],
    )
    for page in (small, large):
        client.get(page.url)  # per-process caches (site root paths, each page's related items)
    assert queries_for(large.url) == queries_for(small.url)


def test_a_pdf_in_a_restricted_collection_is_not_offered(client, partnership):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Steering group papers")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="password", password="x")
    pdf = Document.objects.create(
        title="Internal", collection=private, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="internal.pdf")
    )
    page = make_case_study(partnership, attachments=[CaseStudyAttachment(document=pdf)])
    assert meta(head(client.get(page.url)), "citation_pdf_url") == []
    assert client.get("/api/v2/documents/").json()["meta"]["total_count"] == 0


def test_case_study_page_queries_do_not_grow_with_its_authors(client, library, queries_for):
    partnership = make_partnership(library)

    def with_authors(n):
        page = make_case_study(partnership)
        for position in range(n):
            CaseStudyAuthor.objects.create(page=page, person=PersonFactory(), sort_order=position)
        return page

    one, three = with_authors(1), with_authors(3)
    for page in (one, three):
        client.get(page.url)  # per-process caches (site root paths, each page's related items)
    assert queries_for(three.url) == queries_for(one.url)
    assert three.authors.first().person.name in client.get(three.url).content.decode()


def test_a_case_study_page_reads_each_of_its_own_relations_once(client, partnership):
    """The header, the Cite panel, the meta tags and the body all show the authors, attachments
    and taxonomy: the page reads each once, not once per place that shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pdf = Document.objects.create(title="Report", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"))
    page = make_case_study(
        partnership,
        authors=[CaseStudyAuthor(person=PersonFactory(name="Awa Diallo"))],
        attachments=[CaseStudyAttachment(document=pdf)],
        tags=["audit"],
    )
    client.get(page.url)  # per-process caches
    with CaptureQueriesContext(connection) as captured:
        content = client.get(page.url).content.decode()
    for table in ("knowledge_casestudyauthor", "knowledge_casestudyattachment", "taggit_tag"):
        assert sum(f'FROM "{table}"' in query["sql"] for query in captured.captured_queries) == 1, table
    tree = lxml_html.fromstring(content)
    assert "Awa Diallo" in tree.xpath("string(//p[@class='authors'])")
    assert meta(tree, "citation_author") == ["Awa Diallo"]
    assert meta(tree, "citation_pdf_url")[0].endswith(".pdf")
    assert "Diallo A." in tree.xpath("string(//*[contains(@class, 'cite')])")  # Vancouver


def test_the_preview_of_an_item_shows_the_draft_s_authors_not_the_published_ones(partnership):
    page = make_case_study(partnership, authors=[CaseStudyAuthor(person=PersonFactory(name="Awa Diallo"))])
    page.authors = [CaseStudyAuthor(person=PersonFactory(name="Kofi Mensah"))]
    response = page.make_preview_request()
    response.render()
    tree = lxml_html.fromstring(response.content.decode())
    assert "Kofi Mensah" in tree.xpath("string(//p[@class='authors'])")
    assert meta(tree, "citation_author") == ["Kofi Mensah"]
