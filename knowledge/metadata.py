"""Metadata for machines on every knowledge item page: Highwire Press `citation_*` tags (Google
Scholar, Zotero), OpenGraph, and schema.org JSON-LD. One description of the item feeds all three."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch
from wagtail.images.models import SourceImageIOError
from wagtail.models import Site

from config.absolute_urls import absolute_url
from home.models import SiteSettings

from .models import CaseStudyPage, Country, FocusArea, KnowledgeItemPage, PartnershipPage

# OpenGraph wants language_TERRITORY; these are the usual territories for our content languages.
OG_LOCALES = {"en": "en_GB", "fr": "fr_FR", "pt": "pt_PT", "es": "es_ES"}
OG_IMAGE_SPEC = "fill-1200x630|format-jpeg"
# Characters that could end the <script> element or start an HTML entity, as JSON escapes.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@dataclass
class Author:
    name: str
    is_person: bool
    orcid_url: str = ""
    affiliation: str = ""
    website: str = ""


@dataclass
class ItemMetadata:
    page: KnowledgeItemPage
    url: str
    site_name: str
    publisher: str
    authors: list[Author]
    focus_areas: list[FocusArea]
    countries: list[Country]
    tags: list[str]
    library_url: str = ""
    partnership_url: str = ""
    pdf_url: str = ""
    image: dict = field(default_factory=dict)

    @property
    def is_case_study(self) -> bool:
        return isinstance(self.page, CaseStudyPage)

    @property
    def citation_date(self) -> str:
        date = self.page.publication_date  # empty only in the preview of a draft
        return date.strftime("%Y/%m/%d") if date else ""

    @property
    def og_locale(self) -> str:
        return OG_LOCALES.get(self.page.language, self.page.language)

    @property
    def licence_url(self) -> str:
        return self.page.licence_url if self.is_case_study else ""

    def json_ld(self) -> dict:
        page = self.page
        data = {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle" if self.is_case_study else "Article",
            "@id": self.url,
            "url": self.url,
            "headline": page.title,
            "name": page.title,
            "abstract": page.summary,
            "description": page.summary,
            "datePublished": page.publication_date.isoformat() if page.publication_date else None,
            "inLanguage": page.language,
            "author": [_json_ld_author(author) for author in self.authors],
            "about": [_json_ld_focus_area(area, self.library_url) for area in self.focus_areas],
            "spatialCoverage": [
                {"@type": "Country", "name": country.name, "identifier": country.code} for country in self.countries
            ],
            "publisher": {"@type": "Organization", "name": self.publisher},
        }
        if page.last_published_at:
            data["dateModified"] = page.last_published_at.isoformat()
        if self.tags:
            data["keywords"] = self.tags
        if self.licence_url:
            data["license"] = self.licence_url
        if page.partnership and self.partnership_url:
            data["isPartOf"] = {"@type": "CreativeWork", "name": page.partnership.title, "url": self.partnership_url}
        if self.image:
            data["image"] = self.image["url"]
        return data

    def json_ld_script(self) -> str:
        """The JSON-LD as text safe inside <script>: no text in it can close the element."""
        return json.dumps(self.json_ld(), ensure_ascii=False, indent=1).translate(JSON_SCRIPT_ESCAPES)


def _json_ld_author(author: Author) -> dict:
    if not author.is_person:
        data = {"@type": "Organization", "name": author.name}
        if author.website:
            data["url"] = author.website
        return data
    data = {"@type": "Person", "name": author.name}
    if author.orcid_url:
        data["sameAs"] = author.orcid_url
    if author.affiliation:
        data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    return data


def _json_ld_focus_area(area: FocusArea, library_url: str) -> dict:
    data = {"@type": "DefinedTerm", "name": area.name, "termCode": area.slug}
    if library_url:
        data["url"] = f"{library_url}focus-areas/{area.slug}/"
    return data


def _authors(page: KnowledgeItemPage) -> list[Author]:
    """Case-study authors when named; otherwise the partnership's institutions speak for the item."""
    if isinstance(page, CaseStudyPage):
        people = [link.person for link in page.authors.all()]  # prefetched by the page
        if people:
            return [
                Author(
                    person.name,
                    True,
                    person.orcid_url,
                    person.institution.name if person.institution else "",
                )
                for person in people
            ]
    partnership = page.partnership
    if partnership is None:
        return []
    partnership = (
        PartnershipPage.objects.filter(pk=partnership.pk)
        .prefetch_related("north_institutions", "south_institutions")
        .first()
    )
    if partnership is None:
        return []
    institutions = [*partnership.north_institutions.all(), *partnership.south_institutions.all()]
    return [Author(institution.name, False, website=institution.website) for institution in institutions]


def _pdf_url(page: KnowledgeItemPage, request) -> str:
    if not isinstance(page, CaseStudyPage):
        return ""
    for attachment in page.attachments.all():  # prefetched by the page
        document = attachment.document
        # A document in a restricted collection would answer a login page, not the PDF.
        if document.file_extension.lower() == "pdf" and not document.collection.get_view_restrictions().exists():
            return absolute_url(document.url, request)
    return ""


def _image(page: KnowledgeItemPage, request) -> dict:
    if page.image is None:
        return {}
    try:
        rendition = page.image.get_rendition(OG_IMAGE_SPEC)
    except SourceImageIOError:
        return {}  # the original file is missing: no og:image rather than a broken page
    return {
        "url": absolute_url(rendition.url, request),
        "width": rendition.width,
        "height": rendition.height,
        "alt": page.image.default_alt_text,
    }


def _library_url(page: KnowledgeItemPage, request) -> str:
    """Partnerships sit right under the library, whose focus-area pages describe what `about` names."""
    if page.partnership is None:
        return ""
    return page.partnership.get_parent().get_full_url() or ""


def item_metadata(page: KnowledgeItemPage, request) -> ItemMetadata:
    """Everything the meta tags and JSON-LD say about one item, in a fixed number of queries."""
    site = Site.find_for_request(request)
    site_name = (site.site_name if site else "") or settings.WAGTAIL_SITE_NAME
    partnership_url = ""
    if page.partnership is not None:
        try:
            partnership_url = page.partnership.get_full_url() or ""
        except NoReverseMatch:
            partnership_url = ""
    return ItemMetadata(
        page=page,
        # The page's own address, whichever interface language it is read in: one identity
        # for citation managers and shares (the other languages are its hreflang alternates).
        url=page.get_full_url(),
        site_name=site_name,
        publisher=SiteSettings.publisher_for(request),
        authors=_authors(page),
        # The page's own relations, so a preview describes the draft being previewed.
        focus_areas=list(page.focus_areas.all()),
        countries=list(page.countries.all()),
        tags=sorted(tag.name for tag in page.tags.all()),
        library_url=_library_url(page, request),
        partnership_url=partnership_url,
        pdf_url=_pdf_url(page, request),
        image=_image(page, request),
    )
