"""/oai/: the OAI-PMH 2.0 endpoint (GET and POST), answering in XML built with lxml."""

import datetime
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree
from wagtail.models import Site

from config.absolute_urls import absolute_url
from home.models import SiteSettings

from ..syndication import ItemDescription, describe_items
from . import protocol
from .protocol import OAIError
from .records import Record, RecordList, all_sets, earliest_datestamp, find_record, identifier, page_id_from
from .records import repository_id as get_repository_id

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
SCHEMA_LOCATION = f"{{{XSI}}}schemaLocation"
# The oai-identifier scheme wants a domain name; a bare host such as "localhost" is not described.
DOMAIN_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


class Answer:
    """One response being built: the request it answers and what every verb needs from it."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.base_url = absolute_url(reverse("oai_pmh"), request)
        self.repository = get_repository_id(request)
        self.root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
        self.root.set(SCHEMA_LOCATION, f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        now = datetime.datetime.now(datetime.UTC)
        _add(self.root, f"{{{OAI}}}responseDate", protocol.datestamp(now))
        self.request_element = _add(self.root, f"{{{OAI}}}request", self.base_url)

    def element(self, parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
        return _add(parent, f"{{{OAI}}}{tag}", text, **attributes)

    def header(self, parent: etree._Element, record: Record) -> None:
        attributes = {"status": "deleted"} if record.item is None else {}
        header = self.element(parent, "header", **attributes)
        self.element(header, "identifier", identifier(self.repository, record.page_id))
        self.element(header, "datestamp", protocol.datestamp(record.datestamp))
        for spec in record.sets:
            self.element(header, "setSpec", spec)

    def record(self, parent: etree._Element, record: Record, description: ItemDescription | None) -> None:
        element = self.element(parent, "record")
        self.header(element, record)
        if description is not None:
            self.dublin_core(self.element(element, "metadata"), description)

    def dublin_core(self, parent: etree._Element, described: ItemDescription) -> None:
        page = described.page
        dc = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
        dc.set(SCHEMA_LOCATION, f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
        values = [
            ("title", [page.title]),
            ("creator", described.creators),
            ("subject", described.focus_areas),
            ("description", [page.summary]),
            ("publisher", [self.publisher]),
            ("date", [page.publication_date.isoformat()]),
            ("type", ["Text", str(page.specific_class._meta.verbose_name)]),
            ("format", ["text/html"]),
            ("identifier", [described.permanent_url]),
            ("language", [page.language]),
            ("coverage", described.countries),
            ("rights", [value for value in (described.licence, described.licence_url) if value]),
        ]
        for name, texts in values:
            for text in texts:
                _add(dc, f"{{{DC}}}{name}", text)

    @property
    def publisher(self) -> str:
        if not hasattr(self, "_publisher"):
            self._publisher = SiteSettings.publisher_for(self.request)
        return self._publisher

    def xml(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def identify(answer: Answer, arguments: dict) -> None:
    body = answer.element(answer.root, "Identify")
    site = Site.find_for_request(answer.request)
    answer.element(body, "repositoryName", (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME)
    answer.element(body, "baseURL", answer.base_url)
    answer.element(body, "protocolVersion", "2.0")
    answer.element(body, "adminEmail", settings.OAI_ADMIN_EMAIL or settings.DEFAULT_FROM_EMAIL)
    earliest = earliest_datestamp() or datetime.datetime(2002, 1, 1, tzinfo=datetime.UTC)
    answer.element(body, "earliestDatestamp", protocol.datestamp(earliest))
    answer.element(body, "deletedRecord", "persistent")
    answer.element(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    if DOMAIN_NAME.fullmatch(answer.repository):
        description = answer.element(body, "description")
        scheme = etree.SubElement(description, f"{{{OAI_IDENTIFIER}}}oai-identifier", nsmap={None: OAI_IDENTIFIER})
        scheme.set(SCHEMA_LOCATION, f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
        for tag, text in (
            ("scheme", "oai"),
            ("repositoryIdentifier", answer.repository),
            ("delimiter", ":"),
            ("sampleIdentifier", identifier(answer.repository, 123)),
        ):
            _add(scheme, f"{{{OAI_IDENTIFIER}}}{tag}", text)


def _find(answer: Answer, value: str) -> Record:
    record = find_record(page_id_from(answer.repository, value))
    if record is None:
        raise OAIError("idDoesNotExist", _("There is no item with the identifier “%(id)s”.") % {"id": value})
    return record


def list_metadata_formats(answer: Answer, arguments: dict) -> None:
    if "identifier" in arguments:
        _find(answer, arguments["identifier"])
    body = answer.element(answer.root, "ListMetadataFormats")
    described = answer.element(body, "metadataFormat")
    answer.element(described, "metadataPrefix", protocol.METADATA_PREFIX)
    answer.element(described, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    answer.element(described, "metadataNamespace", OAI_DC)


def list_sets(answer: Answer, arguments: dict) -> None:
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", _("The list of sets is complete in one response; it has no tokens."))
    body = answer.element(answer.root, "ListSets")
    for spec, name in all_sets():
        element = answer.element(body, "set")
        answer.element(element, "setSpec", spec)
        answer.element(element, "setName", str(name))


def get_record(answer: Answer, arguments: dict) -> None:
    protocol.check_metadata_prefix(arguments["metadataPrefix"])
    record = _find(answer, arguments["identifier"])
    body = answer.element(answer.root, "GetRecord")
    described = describe_items(answer.request, [record.item])[0] if record.item else None
    answer.record(body, record, described)


def list_records(answer: Answer, arguments: dict, verb: str = "ListRecords") -> None:
    listed = protocol.list_arguments(verb, arguments)
    start, stop = protocol.date_range(listed.from_, listed.until)
    selection = RecordList(listed.set_spec, start, stop)
    records, more = selection.page(listed.after, settings.OAI_PAGE_SIZE)
    if not records:
        raise OAIError("noRecordsMatch", _("No record matches these arguments."))
    body = answer.element(answer.root, verb)
    if verb == "ListIdentifiers":
        for record in records:
            answer.header(body, record)
    else:
        described = {d.page.pk: d for d in describe_items(answer.request, [r.item for r in records if r.item])}
        for record in records:
            answer.record(body, record, described.get(record.page_id))
    if more or listed.cursor:
        cursor = listed.cursor + len(records)
        token = listed.token(records[-1].datestamp, records[-1].page_id, cursor) if more else ""
        answer.element(body, "resumptionToken", token, completeListSize=selection.count(), cursor=listed.cursor)


def list_identifiers(answer: Answer, arguments: dict) -> None:
    list_records(answer, arguments, verb="ListIdentifiers")


VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


@csrf_exempt  # harvesters POST without a session; nothing here changes state
@require_http_methods(["GET", "POST"])
def oai_pmh(request: HttpRequest) -> HttpResponse:
    answer = Answer(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        verb, arguments = protocol.read_arguments(params)
        answer.request_element.set("verb", verb)
        for name, value in arguments.items():
            answer.request_element.set(name, value)
        VERB_HANDLERS[verb](answer, arguments)
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):
            # The protocol says to echo no arguments when they were not acceptable.
            answer.request_element.attrib.clear()
        answer.element(answer.root, "error", error.message, code=error.code)
    return HttpResponse(answer.xml(), content_type="text/xml; charset=utf-8")
