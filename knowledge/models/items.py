"""Knowledge items: case studies, lessons learned and testimonials.

They share one concrete base table so that listings, figures and facets across the three
types are single queries. Each item lives under its partnership's page.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from config.languages import ReaderLanguagePageMixin, in_default_language

from .. import serializers as api
from ..blocks import RICH_TEXT_FEATURES, CaseStudyBodyBlock
from ..widgets import ChecklistWithFilter
from .item_forms import KnowledgeItemForm
from .partnerships import PartnershipPage

# What an item's page shows beside its own fields (related items, the Cite panel) and its
# citation route are answered by the layers above the models, which register these Wagtail hooks
# (knowledge/wagtail_hooks.py, search/wagtail_hooks.py): the models never import the search
# service or the views (docs/ARCHITECTURE.md, "Layers").
ITEM_PAGE_CONTEXT_HOOK = "knowledge_item_page_context"  # fn(page, request) -> dict added to the context
ITEM_CITATION_HOOK = "knowledge_item_citation"  # fn(page, request, format) -> HttpResponse

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]


class Language(models.TextChoices):
    """The language an item is written in (not the site's interface locale)."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")
    SPANISH = "es", _("Spanish")


class KnowledgeItemTag(TaggedItemBase):
    content_object = ParentalKey("knowledge.KnowledgeItemPage", on_delete=models.CASCADE, related_name="tagged_items")


class KnowledgeItemPage(ReaderLanguagePageMixin, RoutablePageMixin, Page):
    """What every knowledge item carries. Not created directly: pick one of its types."""

    partnership = models.ForeignKey(
        PartnershipPage,
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="knowledge_items",
        help_text=_("The partnership page this item is published under."),
    )
    summary = models.TextField(_("summary"), max_length=600, help_text=_("Two or three sentences, shown in listings."))
    # Null only in drafts: a draft may lack anything but its title; publishing validates it.
    publication_date = models.DateField(_("publication date"), default=datetime.date.today, null=True, db_index=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    focus_areas = ParentalManyToManyField(
        "knowledge.FocusArea", verbose_name=_("focus areas"), related_name="knowledge_items"
    )
    countries = ParentalManyToManyField(
        "knowledge.Country",
        verbose_name=_("countries"),
        related_name="knowledge_items",
        blank=True,
        help_text=_("Leave empty to use the partnership's partner countries."),
    )
    tags = ClusterTaggableManager(through=KnowledgeItemTag, blank=True, verbose_name=_("tags"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Shown on the item's card in listings and when the item is shared, not on the item page."),
    )

    base_form_class = KnowledgeItemForm
    is_creatable = False
    parent_page_types = ["knowledge.PartnershipPage"]
    subpage_types: list[str] = []

    metadata_panels = [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("publication_date"), FieldPanel("language")]),
        # Required to publish, not to save a draft (Wagtail asks for every non-null field on save).
        FieldPanel("focus_areas", widget=ChecklistWithFilter, required_on_save=False),
        FieldPanel("countries", widget=ChecklistWithFilter),
        FieldPanel("tags"),
        FieldPanel("image"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("publication_date"),
        index.FilterField("language"),
        index.FilterField("partnership"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("publication_date"),
        APIField("language"),
        APIField("focus_areas", serializer=api.FocusAreasField()),
        APIField("countries", serializer=api.CountriesField()),
        APIField("partnership", serializer=api.PartnershipField()),
        APIField("tags", serializer=api.TagsField()),
    ]

    # Tags are the library's shared keywords, not the item's prose: every version of an item
    # carries its original's (copied on each sync, not offered to translators), so that a tag
    # finds the item in every language and the free-text tags are not forked per language.
    override_translatable_fields = [
        SynchronizedField("tags", overridable=False),
        SynchronizedField("tagged_items", overridable=False),
    ]

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")

    def save(self, *args, **kwargs) -> None:
        if self.live and kwargs.get("clean", True) and (problems := self.publication_problems()):
            # The last guard of publication, beside the full validation Page.save runs on what
            # goes live (the form checks the same at submission, where the page is not yet live).
            raise ValidationError(problems)
        self.fill_in_from_place(self.get_parent() if self.path else None)
        super().save(*args, **kwargs)

    def fill_in_from_place(self, parent: Page | None) -> None:
        """What an item takes from where it is, on every save (and in the benchmark corpus's bulk
        writer, which saves none): its locale's language, its partnership, its partner countries."""
        if self.locale_id and (code := self.locale.language_code) != settings.LANGUAGE_CODE and code in Language.values:
            # A translation is written in its locale's language (wagtail-localize copies the source's).
            self.language = code
        if parent is not None and parent.specific_class is PartnershipPage:
            self.partnership_id = parent.pk
            if not self.countries.all():
                self.countries = parent.specific.south_countries

    def get_context(self, request, *args, **kwargs):
        if self.pk and not getattr(request, "is_preview", False):
            # The header, the Cite panel and the meta tags each read these: once, here. A preview
            # reads the draft's own relations, from memory.
            prefetch_related_objects([self], *self.page_relations())
        context = super().get_context(request, *args, **kwargs)
        for add_to_context in hooks.get_hooks(ITEM_PAGE_CONTEXT_HOOK):
            context.update(add_to_context(self, request))
        return context

    def citation_relations(self) -> list:
        """The relations a citation of the item reads, as `prefetch_related_objects` lookups."""
        return ["focus_areas"]

    def page_relations(self) -> list:
        """The relations the item's page shows (its citation's among them)."""
        return [*self.citation_relations(), "countries", "tags"]

    @path("cite/<str:format>/", name="cite")
    def cite(self, request, format):
        """The item's citation: vancouver, apa, bibtex, ris or csl-json (knowledge/views.py answers it)."""
        prefetch_related_objects([self], *self.citation_relations())
        for respond in hooks.get_hooks(ITEM_CITATION_HOOK):
            return respond(self, request, format)
        raise Http404("No citations on this site")

    def publication_problems(self) -> dict[str, str]:
        """What publication needs beyond each field's own requirement: field name -> message.
        Checked when the item is submitted for review or published, never for a draft."""
        return {}

    @property
    def tags_language(self) -> str:
        """The language the tags are written in: the original version's (see
        `override_translatable_fields`)."""
        if self.locale_id is None or self.locale.language_code == settings.LANGUAGE_CODE:
            return self.language
        return getattr(in_default_language(self), "language", self.language)

    @property
    def is_published(self) -> bool:
        """On the site now. The preview of an item never saved has no id (and `live` at its default)."""
        return bool(self.pk and self.live)

    @property
    def type_label(self) -> str:
        return self.specific_class._meta.verbose_name

    @property
    def type_slug(self) -> str:
        return self.specific_class.TYPE_SLUG

    @property
    def year(self) -> int | None:
        return self.publication_date.year if self.publication_date else None


class CaseStudyPage(KnowledgeItemPage):
    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
        CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
        CC_BY_NC = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")
        ALL_RIGHTS = "all-rights-reserved", _("All rights reserved")

    LICENCE_URLS = {
        "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    }
    TYPE_SLUG = "case-study"

    body = StreamField(CaseStudyBodyBlock(), verbose_name=_("body"))
    period_start = models.PositiveSmallIntegerField(
        _("work started (year)"), null=True, blank=True, validators=year_validators
    )
    period_end = models.PositiveSmallIntegerField(
        _("work ended (year)"), null=True, blank=True, validators=year_validators
    )
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, default=Licence.CC_BY)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(KnowledgeItemPage.metadata_panels, heading=_("About this case study")),
        InlinePanel("authors", label=_("Authors"), heading=_("Authors")),
        FieldPanel("body"),
        InlinePanel("outcomes", label=_("Outcome"), heading=_("Outcomes")),
        InlinePanel("attachments", label=_("Attachment"), heading=_("Attachments")),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]), FieldPanel("licence")],
            heading=_("Period and licence"),
        ),
    ]
    search_fields = [*KnowledgeItemPage.search_fields, index.SearchField("body")]
    api_fields = [
        *KnowledgeItemPage.api_fields,
        APIField("authors", serializer=api.AuthorsField()),
        APIField("body"),
        APIField("outcomes", serializer=api.OutcomesField()),
        APIField("period", serializer=api.PeriodField(source="*")),
        APIField("licence", serializer=api.LicenceField(source="*")),
    ]
    template = "knowledge/case_study_page.html"

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The work cannot end before it started.")})

    def citation_relations(self) -> list:
        authors = CaseStudyAuthor.objects.select_related("person__institution")
        return [*super().citation_relations(), Prefetch("authors", queryset=authors)]

    def page_relations(self) -> list:
        return [
            *super().page_relations(),
            "outcomes",
            Prefetch("attachments", queryset=CaseStudyAttachment.objects.select_related("document__collection")),
        ]

    @property
    def licence_url(self) -> str:
        return self.LICENCE_URLS.get(self.licence, "")

    @property
    def period(self) -> str:
        if self.period_start and self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")


class CaseStudyAuthor(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey("knowledge.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("person")]


class CaseStudyOutcome(TranslatableMixin, Orderable):
    """A measured result: an indicator moving from a baseline to a result.

    Translatable with its case study (wagtail-localize makes the indicator, unit, period and
    source segments; the figures are the source's): each version of an outcome carries its case
    study's locale and shares its translation key with the source's."""

    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="outcomes")
    indicator = models.CharField(_("indicator"), max_length=255)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    result = models.DecimalField(_("result"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("For example %, days, staff trained."))
    period = models.CharField(_("period"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    panels = [
        FieldPanel("indicator"),
        FieldRowPanel([FieldPanel("baseline"), FieldPanel("result"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("period"), FieldPanel("source")]),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        pass

    @property
    def change(self):
        if self.baseline is None or self.result is None:
            return None
        return self.result - self.baseline


class CaseStudyAttachment(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class LessonPage(KnowledgeItemPage):
    TYPE_SLUG = "lesson"

    lesson = models.CharField(_("the lesson, in one sentence"), max_length=255)
    context = RichTextField(_("context"), features=RICH_TEXT_FEATURES)
    what_worked = RichTextField(_("what worked"), features=RICH_TEXT_FEATURES)
    what_did_not = RichTextField(_("what did not work"), features=RICH_TEXT_FEATURES)
    recommendation = RichTextField(_("recommendation"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("lesson"),
        MultiFieldPanel(KnowledgeItemPage.metadata_panels, heading=_("About this lesson")),
        FieldPanel("context"),
        FieldPanel("what_worked"),
        FieldPanel("what_did_not"),
        FieldPanel("recommendation"),
        InlinePanel("case_study_links", label=_("Case study"), heading=_("Case studies it draws on")),
    ]
    search_fields = [
        *KnowledgeItemPage.search_fields,
        index.SearchField("lesson"),
        index.SearchField("context"),
        index.SearchField("what_worked"),
        index.SearchField("what_did_not"),
        index.SearchField("recommendation"),
    ]
    api_fields = [
        *KnowledgeItemPage.api_fields,
        APIField("lesson"),
        APIField("context", serializer=api.RichTextHTMLField()),
        APIField("what_worked", serializer=api.RichTextHTMLField()),
        APIField("what_did_not", serializer=api.RichTextHTMLField()),
        APIField("recommendation", serializer=api.RichTextHTMLField()),
        APIField("case_study_links", serializer=api.CaseStudyLinksField()),
    ]
    template = "knowledge/lesson_page.html"

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")


class LessonCaseStudy(Orderable):
    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="case_study_links")
    case_study = models.ForeignKey(
        CaseStudyPage, verbose_name=_("case study"), on_delete=models.CASCADE, related_name="lesson_links"
    )

    panels = [FieldPanel("case_study")]


class TestimonialPage(KnowledgeItemPage):
    TYPE_SLUG = "testimonial"

    quote = models.TextField(_("quote"), max_length=2000)
    # Null only in drafts, like the publication date.
    speaker = models.ForeignKey(
        "knowledge.Person",
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        null=True,
        related_name="testimonials",
    )
    speaker_role = models.CharField(_("speaker's role at the time"), max_length=150, blank=True)
    institution = models.ForeignKey(
        "knowledge.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testimonials",
        help_text=_("Defaults to the speaker's institution."),
    )
    given_on = models.DateField(_("date given"), null=True, blank=True)
    consent_recorded = models.BooleanField(
        _("consent recorded"),
        default=False,
        help_text=_("The speaker agreed in writing to publication of this quote under their name."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("quote"),
        MultiFieldPanel(
            [
                FieldPanel("speaker"),
                FieldPanel("speaker_role"),
                FieldPanel("institution"),
                FieldPanel("given_on"),
                FieldPanel("consent_recorded"),
            ],
            heading=_("Speaker and consent"),
        ),
        MultiFieldPanel(KnowledgeItemPage.metadata_panels, heading=_("About this testimonial")),
    ]
    search_fields = [*KnowledgeItemPage.search_fields, index.SearchField("quote")]
    api_fields = [
        *KnowledgeItemPage.api_fields,
        APIField("quote"),
        APIField("speaker", serializer=api.SpeakerField()),
        APIField("speaker_role"),
        APIField("institution", serializer=api.InstitutionField()),
        APIField("given_on"),
    ]
    template = "knowledge/testimonial_page.html"

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")

    def publication_problems(self) -> dict[str, str]:
        problems = super().publication_problems()
        if not self.consent_recorded:
            problems["consent_recorded"] = _(
                "A testimonial can only be published once the speaker's consent is recorded."
            )
        return problems

    def fill_in_from_place(self, parent: Page | None) -> None:
        if self.institution_id is None and self.speaker_id is not None:
            self.institution_id = self.speaker.institution_id
        super().fill_in_from_place(parent)
