"""Load the sample content: site pages, taxonomy, partnerships and their knowledge items.

Idempotent: each object is found by its natural key (a slug under its parent, a name) and
created only when missing; nothing that exists is changed, so editors' work is never lost.
Pages go through the same path as in the admin: added as drafts, then a revision published.
"""

import io
import json
from collections import Counter
from collections.abc import Callable
from datetime import date

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from home.models import HomePage, HomePageFeaturedItem, SiteSettings, StandardPage

from .demo_content import (
    agencies,
    case_studies,
    evaluation_items,
    institutions,
    lessons,
    partnerships,
    site_translations,
    testimonials,
    translations_es,
    translations_fr,
    translations_pt,
)
from .demo_images import draw_illustration
from .models import (
    CaseStudyAuthor,
    CaseStudyOutcome,
    CaseStudyPage,
    Country,
    FocusArea,
    Institution,
    KnowledgeItemPage,
    LessonCaseStudy,
    LessonPage,
    LibraryIndexPage,
    MemberAgency,
    PartnershipPage,
    Person,
    TestimonialPage,
)
from .publishing.translation import translate_from_memory

HOME_INTRO = (
    "<p>Case studies, lessons learned and testimonials from the institutional health partnerships of the "
    "ESTHER Alliance: hospitals, universities and laboratories in Europe working with their peers in Africa, "
    "Asia, Latin America and the Middle East.</p>"
)
LIBRARY_INTRO = (
    "<p>Everything the partnerships have published, newest first. Narrow it down by type, focus area, "
    "region, language or year.</p>"
)
SITE_PAGES = [
    (
        "about",
        "About the Knowledge Hub",
        "The Knowledge Hub is where the partnerships of the ESTHER Alliance for Global Health Partnerships "
        "share what they have done, what it achieved and what they would do differently.",
        [
            ("heading", "Who it is for"),
            (
                "paragraph",
                "<p>Health professionals looking for practice that has been tried elsewhere; partners "
                "publishing the work of their own partnership; and advocates who need evidence they can cite.</p>",
            ),
            ("heading", "How content gets here"),
            (
                "paragraph",
                "<p>Partners write case studies, lessons learned and testimonials about their own "
                "partnership. An alliance editor reviews each one before it is published. Every item names its "
                "partnership, its focus areas and the countries where the work took place.</p>",
            ),
        ],
    ),
    (
        "history",
        "History of the alliance",
        "Since 2002 the alliance has supported more than 350 institutional health partnerships between "
        "hospitals, universities and laboratories in Europe and in over 40 countries.",
        [
            ("heading", "From HIV care to health systems"),
            (
                "paragraph",
                "<p>The first partnerships were formed in 2002 to bring antiretroviral treatment to "
                "hospitals in Africa and Asia, hospital to hospital and laboratory to laboratory. Over two decades "
                "the work widened to the quality and safety of care, the health workforce, information systems, "
                "medicines and health policy.</p>",
            ),
        ],
    ),
    (
        "charter",
        "The alliance charter",
        "Partnerships of the alliance are institutional, long-term and reciprocal, and they work in five focus areas.",
        [
            ("heading", "Five focus areas"),
            (
                "paragraph",
                "<ul><li>Quality and safety of care</li><li>Health workforce capacity</li>"
                "<li>Health information systems</li><li>Medicines and procurement</li><li>Health policy</li></ul>",
            ),
            ("heading", "Principles"),
            (
                "paragraph",
                "<p>Partnerships are owned by the institutions that form them, answer to needs defined "
                "by the partner in the South, share what they learn in both directions and publish openly.</p>",
            ),
        ],
    ),
]
# Partnerships and items in the other languages, translated with wagtail-localize.
CONTENT_TRANSLATIONS = {"fr": translations_fr, "pt": translations_pt, "es": translations_es}
FEATURED_CASE_STUDIES = 3
SAMPLE_COLLECTION = "Sample content"


def publish_new(parent: Page, page: Page) -> Page:
    """Add a page the way the admin does: saved as a draft, then a logged revision published."""
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(log_action=True).publish()
    return page


class DemoLoader:
    def __init__(self, log: Callable[[str], None] = lambda line: None):
        self.log = log
        self.created: Counter[type] = Counter()
        self.translated: Counter[str] = Counter()  # pages translated, by language code

    @transaction.atomic
    def run(self) -> Counter:
        self.home = self._home()
        self.library = self._library()
        self._site_pages()
        self._taxonomy()
        self._partnerships()
        self._case_studies()
        self._lessons()
        self._testimonials()
        self._home_features()
        self._site_translations()  # after the features, which the translated home pages copy
        self._content_translations()  # under the translated home pages
        self.created = +self.created  # drop the zero counts get_or_create leaves behind
        if self.created or self.translated:
            settings = SiteSettings.for_site(self.site)
            settings.sample_content_notice = True
            settings.save()
        return self.created

    # Pages ---------------------------------------------------------------------------------

    def _publish_new(self, parent: Page, page: Page) -> Page:
        publish_new(parent, page)
        self.created[type(page)] += 1
        self.log(f"  + {page._meta.verbose_name}: {page.title}")
        return page

    def _home(self) -> HomePage:
        self.site = Site.objects.get(is_default_site=True)
        home = self.site.root_page.specific
        if isinstance(home, HomePage) and not home.intro:
            home.intro = HOME_INTRO
            home.save_revision(log_action=True).publish()
        return home

    def _library(self) -> LibraryIndexPage:
        existing = LibraryIndexPage.objects.child_of(self.home).first()
        if existing:
            return existing
        return self._publish_new(self.home, LibraryIndexPage(title="Library", slug="library", intro=LIBRARY_INTRO))

    def _site_pages(self) -> None:
        for slug, title, introduction, body in SITE_PAGES:
            if StandardPage.objects.child_of(self.home).filter(slug=slug).exists():
                continue
            raw = [{"type": kind, "value": value} for kind, value in body]
            self._publish_new(
                self.home, StandardPage(title=title, slug=slug, introduction=introduction, body=json.dumps(raw))
            )

    def _site_translations(self) -> None:
        """The home page and the about, history and charter pages in the other interface
        languages (Wagtail translations, as the admin's "Translate" action makes them). The
        library and its partnerships stay in one tree: readers of every language find them under
        their own prefix through the home page's fallback (config/languages.py)."""
        for code, texts in site_translations.TRANSLATIONS.items():
            locale = Locale.objects.filter(language_code=code).first()
            if locale is None:
                continue
            if self.home.get_translation_or_none(locale) is None:
                home = self.home.copy_for_translation(locale)
                home.intro = texts["home_intro"]
                home.save_revision(log_action=True).publish()
                self.created[HomePage] += 1
                self.log(f"  + {HomePage._meta.verbose_name} ({code})")
            for slug, title, introduction, body in texts["pages"]:
                source = StandardPage.objects.child_of(self.home).filter(slug=slug).first()
                if source is None or source.get_translation_or_none(locale) is not None:
                    continue
                page = source.copy_for_translation(locale)
                page.title = page.draft_title = title
                page.introduction = introduction
                page.body = json.dumps([{"type": kind, "value": value} for kind, value in body])
                page.save_revision(log_action=True).publish()
                self.created[StandardPage] += 1
                self.log(f"  + {StandardPage._meta.verbose_name} ({code}): {title}")

    def _content_translations(self) -> None:
        """The library, some partnerships and their items in French, Portuguese and Spanish, as a
        translator's work reaches the site: through wagtail-localize's translation memory, so
        that the translations stay in step with their sources ("Sync translated pages")."""
        for code, content in CONTENT_TRANSLATIONS.items():
            locale = Locale.objects.filter(language_code=code).first()
            if locale is None:
                continue
            for slug in content.PAGES:
                source = self._translation_source(slug)
                if source is None or source.get_translation_or_none(locale) is not None:
                    continue
                if source.get_parent().get_translation_or_none(locale) is None:
                    continue  # an editor removed the parent's translation: nothing to put it under
                page = translate_from_memory(source, locale, content.STRINGS)
                self.translated[code] += 1
                self.log(f"  + {page._meta.verbose_name} ({code}): {page.title}")

    def _translation_source(self, slug: str) -> Page | None:
        if slug == self.library.slug:
            return self.library
        return Page.objects.descendant_of(self.library).filter(slug=slug).specific().first()

    # Taxonomy ------------------------------------------------------------------------------

    def _taxonomy(self) -> None:
        self.countries = Country.objects.in_bulk()
        self.focus_areas = FocusArea.objects.in_bulk(field_name="slug")
        self.agencies = {}
        for row in agencies.MEMBER_AGENCIES:
            self.agencies[row["key"]], made = MemberAgency.objects.get_or_create(
                name=row["name"],
                defaults={
                    "acronym": row["acronym"],
                    "country": self.countries[row["country"]],
                    "website": row["website"],
                },
            )
            self.created[MemberAgency] += made
        self.institutions = {}
        for row in institutions.INSTITUTIONS + evaluation_items.INSTITUTIONS:
            self.institutions[row["key"]], made = Institution.objects.get_or_create(
                name=row["name"],
                country=self.countries[row["country"]],
                defaults={
                    "acronym": row["acronym"],
                    "type": row["type"],
                    "city": row["city"],
                    "website": row["website"],
                },
            )
            self.created[Institution] += made
        self.people = {}
        for row in institutions.PEOPLE + evaluation_items.PEOPLE:
            institution = self.institutions[row["institution"]]
            self.people[row["key"]], made = Person.objects.get_or_create(
                name=row["name"], institution=institution, defaults={"role": row["role"], "orcid": row["orcid"]}
            )
            self.created[Person] += made

    def _partnerships(self) -> None:
        self.partnerships = {p.slug: p for p in PartnershipPage.objects.child_of(self.library)}
        for row in partnerships.PARTNERSHIPS + evaluation_items.PARTNERSHIPS:
            if row["slug"] in self.partnerships:
                continue
            page = PartnershipPage(
                title=row["title"],
                slug=row["slug"],
                summary=row["summary"],
                description=row["description"],
                start_year=row["start_year"],
                end_year=row["end_year"],
                status=row["status"],
                funding_agency=self.agencies[row["funder"]],
            )
            page.north_institutions = [self.institutions[key] for key in row["north"]]
            page.south_institutions = [self.institutions[key] for key in row["south"]]
            page.countries = [self.countries[code] for code in row["countries"]]
            page.focus_areas = [self.focus_areas[slug] for slug in row["focus_areas"]]
            self.partnerships[row["slug"]] = self._publish_new(self.library, page)

    # Knowledge items -----------------------------------------------------------------------

    def _existing_item(self, model: type[KnowledgeItemPage], row: dict) -> KnowledgeItemPage | None:
        return model.objects.child_of(self.partnerships[row["partnership"]]).filter(slug=row["slug"]).first()

    def _item_fields(self, page: KnowledgeItemPage, row: dict) -> None:
        page.focus_areas = [self.focus_areas[slug] for slug in row["focus_areas"]]
        page.countries = [self.countries[code] for code in row["countries"]]
        page.tags.add(*row["tags"])

    def _illustration(self, row: dict):
        Image = get_image_model()
        title = f"Sample illustration: {row['title']}"[:255]
        image = Image.objects.filter(title=title).first()
        if image is None:
            collection = self._collection()
            data = draw_illustration(row["slug"], row.get("image_theme", "ward"))
            image = Image(title=title, collection=collection)
            image.file = ImageFile(io.BytesIO(data), name=f"sample-{row['slug']}.jpg")
            image.save()
            self.created[Image] += 1
        return image

    def _collection(self) -> Collection:
        if not hasattr(self, "_sample_collection"):
            root = Collection.get_first_root_node()
            found = root.get_children().filter(name=SAMPLE_COLLECTION).first()
            self._sample_collection = found or root.add_child(name=SAMPLE_COLLECTION)
        return self._sample_collection

    def _case_studies(self) -> None:
        for row in case_studies.CASE_STUDIES + evaluation_items.CASE_STUDIES:
            if self._existing_item(CaseStudyPage, row):
                continue
            image = self._illustration(row)
            body = []
            for kind, value in row["body"]:
                if kind == "image":
                    value = {
                        "image": {"image": image.pk, "alt_text": row["image_caption"], "decorative": False},
                        "caption": row["image_caption"],
                        "credit": row["image_credit"],
                    }
                elif kind == "table":
                    value = {
                        "data": [value["header"], *value["rows"]],
                        "table_caption": value["caption"],
                        "table_header_choice": "row",
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                    }
                body.append({"type": kind, "value": value})
            start, end = row["period"]
            page = CaseStudyPage(
                title=row["title"],
                slug=row["slug"],
                summary=row["summary"],
                publication_date=date.fromisoformat(row["published"]),
                language=row["language"],
                image=image,
                body=json.dumps(body),
                period_start=start,
                period_end=end,
            )
            self._item_fields(page, row)
            # In order, as the admin's form numbers them: unnumbered, PostgreSQL lists a case
            # study's authors (its citation's) and outcomes in any order.
            authors = [self.people[key] for key in row["authors"]]
            page.authors = [CaseStudyAuthor(person=person, sort_order=i) for i, person in enumerate(authors)]
            page.outcomes = [CaseStudyOutcome(sort_order=i, **outcome) for i, outcome in enumerate(row["outcomes"])]
            self._publish_new(self.partnerships[row["partnership"]], page)

    def _lessons(self) -> None:
        for row in lessons.LESSONS + evaluation_items.LESSONS:
            if self._existing_item(LessonPage, row):
                continue
            page = LessonPage(
                title=row["title"],
                slug=row["slug"],
                summary=row["summary"],
                publication_date=date.fromisoformat(row["published"]),
                language=row["language"],
                lesson=row["lesson"],
                context=row["context"],
                what_worked=row["what_worked"],
                what_did_not=row["what_did_not"],
                recommendation=row["recommendation"],
            )
            self._item_fields(page, row)
            linked = CaseStudyPage.objects.descendant_of(self.library).filter(slug__in=row["case_studies"])
            page.case_study_links = [LessonCaseStudy(case_study=case_study) for case_study in linked]
            self._publish_new(self.partnerships[row["partnership"]], page)

    def _testimonials(self) -> None:
        for row in testimonials.TESTIMONIALS + evaluation_items.TESTIMONIALS:
            if self._existing_item(TestimonialPage, row):
                continue
            page = TestimonialPage(
                title=row["title"],
                slug=row["slug"],
                summary=row["summary"],
                publication_date=date.fromisoformat(row["published"]),
                language=row["language"],
                quote=row["quote"],
                speaker=self.people[row["speaker"]],
                speaker_role=row["role"],
                institution=self.institutions[row["institution"]],
                given_on=date.fromisoformat(row["date"]),
                consent_recorded=row["consent"],
            )
            self._item_fields(page, row)
            self._publish_new(self.partnerships[row["partnership"]], page)

    def _home_features(self) -> None:
        if self.home.featured_items.exists():
            return
        chosen = CaseStudyPage.objects.live().descendant_of(self.library).order_by("-publication_date")
        chosen = chosen.filter(language="en")[:FEATURED_CASE_STUDIES]
        self.home.featured_items = [HomePageFeaturedItem(item=item) for item in chosen]
        self.home.save_revision(log_action=True).publish()
