"""OAI-PMH as harvesters see it: Sickle over real HTTP for whole harvests, lxml for single answers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from sickle import Sickle
from wagtail.models import PageViewRestriction, Site

from knowledge.models import CaseStudyAuthor, FocusArea, KnowledgeItemPage
from tests.factories import PersonFactory, make_case_study, make_lesson, make_partnership, make_testimonial

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "id": "http://www.openarchives.org/OAI/2.0/oai-identifier",
}
REPO = "hub.example.org"


@pytest.fixture(autouse=True)
def oai_settings(settings):
    settings.OAI_REPOSITORY_ID = REPO
    settings.OAI_PAGE_SIZE = 2


def oai(client, method="get", **params):
    response = getattr(client, method)("/oai/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.content)


def error_code(xml) -> str | None:
    errors = xml.xpath("oai:error/@code", namespaces=NS)
    return errors[0] if errors else None


def identifiers(xml) -> list[str]:
    return xml.xpath("//oai:header/oai:identifier/text()", namespaces=NS)


def oai_id(page) -> str:
    return f"oai:{REPO}:{page.pk}"


def set_datestamp(page, moment: datetime.datetime) -> None:
    KnowledgeItemPage.objects.filter(pk=page.pk).update(last_published_at=moment)


@pytest.fixture
def repository(partnership):
    """Published items of each type, a draft, an item private from the start, an unpublished revision."""
    case = make_case_study(
        partnership,
        title="Cutting surgical site infections",
        summary="Infections fell from 12% to 5%.",
        focus=("quality-and-safety-of-care", "health-workforce-capacity"),
        countries=["ML", "SN"],
        publication_date=datetime.date(2023, 4, 2),
        authors=[CaseStudyAuthor(person=PersonFactory(name="Awa Diallo"))],
    )
    lesson = make_lesson(partnership, title="Mentoring outlasts workshops", language="fr", focus=("health-policy",))
    testimonial = make_testimonial(partnership, title="A lab manager speaks")
    draft = make_lesson(partnership, title="A draft", live=False)
    private = make_lesson(partnership, title="Private from the start", live=False)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    private.get_latest_revision().publish()
    lesson.title = "An unpublished revision"
    lesson.save_revision()
    return {"case": case, "lesson": lesson, "testimonial": testimonial, "draft": draft, "private": private}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sickle_harvest_pages_through_tokens_and_gets_every_published_item_once(live_server, partnership):
    # The site's address is the server's, as `make setup` sets it: OAI-PMH's URLs are built from it.
    host, port = live_server.url.removeprefix("http://").rsplit(":", 1)
    Site.objects.filter(is_default_site=True).update(hostname=host, port=int(port))
    published = [make_case_study(partnership, title=f"Case {n}") for n in range(4)]
    published += [make_lesson(partnership, title=f"Lesson {n}") for n in range(2)]
    published.append(make_testimonial(partnership, title="Testimonial"))
    make_lesson(partnership, title="Draft", live=False)
    private = make_lesson(partnership, title="Private", live=False)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    private.get_latest_revision().publish()

    for method in ("GET", "POST"):
        sickle = Sickle(live_server.url + "/oai/", http_method=method)
        records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
        assert sorted(record.header.identifier for record in records) == sorted(oai_id(p) for p in published)
        assert {record.metadata["title"][0] for record in records} == {p.title for p in published}
        headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="type:case-study"))
        assert sorted(h.identifier for h in headers) == sorted(oai_id(p) for p in published[:4])
        identify = sickle.Identify()
        assert (identify.baseURL, identify.deletedRecord) == (live_server.url + "/oai/", "persistent")


def test_tokens_carry_cursor_and_complete_list_size_and_the_last_page_an_empty_token(client, repository):
    first = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find("oai:ListIdentifiers/oai:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("3", "0")
    second = oai(client, verb="ListIdentifiers", resumptionToken=token.text)
    last = second.find("oai:ListIdentifiers/oai:resumptionToken", NS)
    assert (last.text, last.get("completeListSize"), last.get("cursor")) == (None, "3", "2")
    assert len(identifiers(first)) == 2 and len(identifiers(second)) == 1
    assert second.find("oai:request", NS).get("resumptionToken") == token.text


def test_identify_describes_the_repository(client, repository):
    xml = oai(client, verb="Identify")
    identify = xml.find("oai:Identify", NS)
    text = {child.tag.split("}")[1]: child.text for child in identify}
    assert text["baseURL"] == "http://testserver/oai/"
    assert text["protocolVersion"] == "2.0"
    assert text["deletedRecord"] == "persistent"
    assert text["granularity"] == "YYYY-MM-DDThh:mm:ssZ"
    assert text["adminEmail"]
    first = min(p.last_published_at for p in (repository["case"], repository["lesson"], repository["testimonial"]))
    assert text["earliestDatestamp"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert identify.xpath(".//id:repositoryIdentifier/text()", namespaces=NS) == [REPO]
    assert xml.find("oai:request", NS).get("verb") == "Identify"


def test_metadata_formats_are_oai_dc_for_the_repository_and_for_an_item(client, repository):
    for params in ({}, {"identifier": oai_id(repository["case"])}):
        xml = oai(client, verb="ListMetadataFormats", **params)
        assert xml.xpath("//oai:metadataPrefix/text()", namespaces=NS) == ["oai_dc"]


def test_sets_are_content_types_and_focus_areas_and_select_records(client, repository):
    specs = oai(client, verb="ListSets").xpath("//oai:setSpec/text()", namespaces=NS)
    assert {"type", "type:case-study", "type:lesson", "type:testimonial", "focus-area"} <= set(specs)
    assert "focus-area:quality-and-safety-of-care" in specs
    lessons = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:lesson")
    assert identifiers(lessons) == [oai_id(repository["lesson"])]
    policy = oai(client, verb="ListRecords", metadataPrefix="oai_dc", set="focus-area:health-policy")
    assert identifiers(policy) == [oai_id(repository["lesson"])]
    workforce = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="focus-area:health-workforce-capacity")
    assert identifiers(workforce) == [oai_id(repository["case"])]
    assert workforce.xpath("//oai:header/oai:setSpec/text()", namespaces=NS) == [
        "type:case-study",
        "focus-area:quality-and-safety-of-care",
        "focus-area:health-workforce-capacity",
    ]


def test_get_record_gives_dublin_core(client, repository, partnership):
    case = repository["case"]
    xml = oai(client, verb="GetRecord", identifier=oai_id(case), metadataPrefix="oai_dc")
    header = xml.find("oai:GetRecord/oai:record/oai:header", NS)
    assert header.findtext("oai:datestamp", namespaces=NS) == case.last_published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    dc = xml.find(".//oai_dc:dc", NS)

    def values(name):
        return dc.xpath(f"dc:{name}/text()", namespaces=NS)

    assert values("title") == ["Cutting surgical site infections"]
    assert values("creator") == ["Awa Diallo"]
    assert values("subject") == ["Quality and safety of care", "Health workforce capacity"]
    assert values("description") == ["Infections fell from 12% to 5%."]
    assert values("publisher") == ["ESTHER Alliance for Global Health Partnerships"]
    assert values("date") == ["2023-04-02"]
    assert values("type") == ["Text", "case study"]
    assert values("format") == ["text/html"]
    assert values("identifier") == [f"http://testserver/k/{case.pk}/"]
    assert values("language") == ["en"]
    assert values("coverage") == ["Mali", "Senegal"]
    assert values("rights") == [
        "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    ]
    lesson = oai(client, verb="GetRecord", identifier=oai_id(repository["lesson"]), metadataPrefix="oai_dc")
    assert lesson.xpath("//dc:creator/text()", namespaces=NS) == [partnership.title]
    assert lesson.xpath("//dc:title/text()", namespaces=NS) == ["Mentoring outlasts workshops"]
    assert lesson.xpath("//dc:language/text()", namespaces=NS) == ["fr"]


def test_from_and_until_select_by_datestamp_at_day_or_second_granularity(client, repository):
    case, lesson, testimonial = repository["case"], repository["lesson"], repository["testimonial"]
    set_datestamp(case, datetime.datetime(2024, 1, 1, 23, 59, 59, 500000, tzinfo=datetime.UTC))
    set_datestamp(lesson, datetime.datetime(2024, 1, 2, 8, 0, 0, tzinfo=datetime.UTC))
    set_datestamp(testimonial, datetime.datetime(2024, 1, 3, 0, 0, 0, tzinfo=datetime.UTC))

    def listed(**params):
        return identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **params))

    assert listed(**{"from": "2024-01-02"}) == [oai_id(lesson), oai_id(testimonial)]
    assert listed(until="2024-01-02") == [oai_id(case), oai_id(lesson)]
    assert listed(**{"from": "2024-01-02", "until": "2024-01-02"}) == [oai_id(lesson)]
    assert listed(until="2024-01-01T23:59:59Z") == [oai_id(case)]
    assert listed(**{"from": "2024-01-02T08:00:00Z", "until": "2024-01-02T08:00:00Z"}) == [oai_id(lesson)]
    assert listed(**{"from": "2024-01-02T08:00:01Z"}) == [oai_id(testimonial)]
    none = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2023-12-31")
    assert error_code(none) == "noRecordsMatch"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": ["Identify", "ListSets"]}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "Identify", "set": "type"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T10:00Z"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-02-01T00:00:00Z"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-01", "until": "2024-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "colour:blue"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": "oai:hub.example.org:1"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:hub.example.org:999999"},
            "idDoesNotExist",
        ),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:other.org:1"}, "idDoesNotExist"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "nonsense"}, "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:hub.example.org:999999"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1999-01-01"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ],
)
def test_every_protocol_error_is_an_error_element_with_http_200(client, repository, params, code):
    xml = oai(client, **params)
    assert error_code(xml) == code
    assert xml.findtext("oai:error", namespaces=NS).strip()
    if code in ("badVerb", "badArgument"):
        assert xml.find("oai:request", NS).attrib == {}


def test_a_token_for_one_verb_is_refused_by_another(client, repository):
    token = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
        ".//oai:resumptionToken", namespaces=NS
    )
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token[:-3] + "abc")) == "badResumptionToken"


def test_drafts_private_items_and_unpublished_revisions_are_never_listed(client, repository):
    listed = oai(client, verb="ListRecords", metadataPrefix="oai_dc", set="type:lesson")
    assert identifiers(listed) == [oai_id(repository["lesson"])]
    assert "An unpublished revision" not in etree.tostring(listed, encoding="unicode")
    for hidden in ("draft", "private"):
        xml = oai(client, verb="GetRecord", identifier=oai_id(repository[hidden]), metadataPrefix="oai_dc")
        assert error_code(xml) == "idDoesNotExist"


def deleted_headers(client) -> dict[str, list[str]]:
    """Every header marked deleted, following resumption tokens to the end."""
    found, params = {}, {"metadataPrefix": "oai_dc"}
    while True:
        xml = oai(client, verb="ListIdentifiers", **params)
        for h in xml.xpath('//oai:header[@status="deleted"]', namespaces=NS):
            found[h.findtext("oai:identifier", namespaces=NS)] = h.xpath("oai:setSpec/text()", namespaces=NS)
        token = xml.findtext(".//oai:resumptionToken", namespaces=NS)
        if not token:
            return found
        params = {"resumptionToken": token}


def test_unpublished_deleted_and_private_items_are_reported_deleted_until_public_again(client, settings, repository):
    case, lesson, testimonial = repository["case"], repository["lesson"], repository["testimonial"]
    for page in (case, lesson, testimonial):
        set_datestamp(page, datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    case.unpublish()
    lesson_id = oai_id(lesson)
    lesson.delete()
    restriction = PageViewRestriction.objects.create(page=testimonial, restriction_type="login")
    assert deleted_headers(client) == {
        oai_id(case): [
            "type:case-study",
            "focus-area:quality-and-safety-of-care",
            "focus-area:health-workforce-capacity",
        ],
        lesson_id: ["type:lesson", "focus-area:health-policy"],
        oai_id(testimonial): ["type:testimonial", "focus-area:quality-and-safety-of-care"],
    }
    record = oai(client, verb="GetRecord", identifier=lesson_id, metadataPrefix="oai_dc")
    assert record.find(".//oai:header", NS).get("status") == "deleted"
    assert record.find(".//oai:metadata", NS) is None
    in_set = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:case-study")
    assert identifiers(in_set) == [oai_id(case)]
    # The datestamp of a withdrawal is when it happened, so incremental harvests see it.
    settings.OAI_PAGE_SIZE = 100
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    recent = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": today})
    assert set(identifiers(recent)) == {oai_id(case), lesson_id, oai_id(testimonial)}

    case.get_latest_revision().publish()
    restriction.delete()
    assert deleted_headers(client) == {lesson_id: ["type:lesson", "focus-area:health-policy"]}
    live = oai(client, verb="GetRecord", identifier=oai_id(case), metadataPrefix="oai_dc")
    assert live.find(".//oai:header", NS).get("status") is None


def test_list_records_costs_the_same_queries_for_more_items(client, settings, repository, partnership):
    settings.OAI_PAGE_SIZE = 100

    def queries():
        with CaptureQueriesContext(connection) as captured:
            oai(client, verb="ListRecords", metadataPrefix="oai_dc")
        return len(captured)

    queries()  # the first answer fills caches (content types, site root paths) that later ones reuse
    before = queries()
    for n in range(3):
        make_case_study(partnership, title=f"More {n}", authors=[CaseStudyAuthor(person=PersonFactory())])
        make_testimonial(partnership, title=f"Voice {n}")
    repository["case"].unpublish()
    assert queries() == before


def test_an_item_moved_under_a_private_page_is_deleted_until_moved_back(client, repository, partnership, library):
    closed = make_partnership(library, title="Closed partnership", slug="closed")
    PageViewRestriction.objects.create(page=closed, restriction_type="login")
    case = repository["case"]
    case.move(closed, pos="last-child")
    assert list(deleted_headers(client)) == [oai_id(case)]
    KnowledgeItemPage.objects.get(pk=case.pk).move(partnership, pos="last-child")
    assert deleted_headers(client) == {}
    assert oai_id(case) in identifiers(
        oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="type:case-study")
    )


@pytest.mark.parametrize(
    "query",
    [
        "verb=Identify%00",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%3Ahub.example.org%3A1%00",
        "verb=ListRecords&metadataPrefix=oai_dc&set=%01",
        "verb=ListRecords&%00=1",
        "verb=ListRecords&metadataPrefix=oai_dc&from=%ED%A0%80",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%3Ahub.example.org%3A99999999999999999999999",
        "verb=ListRecords&resumptionToken=" + "A" * 5000,
    ],
)
def test_hostile_requests_get_protocol_errors_not_500s(client, repository, query):
    response = client.get(f"/oai/?{query}")
    assert response.status_code == 200
    assert error_code(etree.fromstring(response.content)) in (
        "badVerb",
        "badArgument",
        "idDoesNotExist",
        "badResumptionToken",
    )


def test_a_deleted_record_keeps_the_sets_it_had_when_it_was_last_public(client, repository):
    """Decision (docs/SECURITY.md): a withdrawn item's header keeps its setSpecs, so that a harvester
    that harvests one set learns of the withdrawal; they are the sets it was in while public (what
    harvesters had already been told), never what is edited while it is private."""
    testimonial = repository["testimonial"]
    PageViewRestriction.objects.create(page=testimonial, restriction_type="login")
    testimonial.focus_areas = list(FocusArea.objects.filter(slug="health-information-systems"))
    testimonial.save_revision().publish()
    now_in = KnowledgeItemPage.objects.get(pk=testimonial.pk).focus_areas.values_list("slug", flat=True)
    assert list(now_in) == ["health-information-systems"]
    assert deleted_headers(client) == {
        oai_id(testimonial): ["type:testimonial", "focus-area:quality-and-safety-of-care"]
    }
    in_new_set = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="focus-area:health-information-systems"
    )
    assert error_code(in_new_set) == "noRecordsMatch"
