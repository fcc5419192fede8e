"""A partnership between institutions in Europe and elsewhere; its knowledge items are its children."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from config.languages import ReaderLanguagePageMixin, reader_language

from .taxonomy import Country

# Sub-paths of the library index that its routes answer; a partnership may not take them.
RESERVED_LIBRARY_SLUGS = {"focus-areas", "countries", "partnerships", "in-numbers"}

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]


class PartnershipPage(ReaderLanguagePageMixin, Page):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")

    summary = models.TextField(_("summary"), max_length=600)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    north_institutions = ParentalManyToManyField(
        "knowledge.Institution",
        verbose_name=_("European institutions"),
        related_name="north_partnerships",
    )
    south_institutions = ParentalManyToManyField(
        "knowledge.Institution",
        verbose_name=_("partner institutions"),
        related_name="south_partnerships",
    )
    countries = ParentalManyToManyField(
        "knowledge.Country",
        verbose_name=_("countries"),
        related_name="partnerships",
        blank=True,
        help_text=_("Leave empty to use the countries of the institutions."),
    )
    focus_areas = ParentalManyToManyField(
        "knowledge.FocusArea", verbose_name=_("focus areas"), related_name="partnerships"
    )
    start_year = models.PositiveSmallIntegerField(_("start year"), validators=year_validators)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True, validators=year_validators)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    funding_agency = models.ForeignKey(
        "knowledge.MemberAgency",
        verbose_name=_("funding member agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("north_institutions"), FieldPanel("south_institutions"), FieldPanel("countries")],
            heading=_("Who"),
        ),
        FieldPanel("focus_areas", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
                FieldPanel("status"),
                FieldPanel("funding_agency"),
            ],
            heading=_("When and by whom"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("status"),
        index.FilterField("start_year"),
    ]

    parent_page_types = ["knowledge.LibraryIndexPage"]
    subpage_types = ["knowledge.CaseStudyPage", "knowledge.LessonPage", "knowledge.TestimonialPage"]
    template = "knowledge/partnership_page.html"

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.slug in RESERVED_LIBRARY_SLUGS:
            errors["slug"] = _("“%(slug)s” is taken by a library listing; choose another slug.") % {"slug": self.slug}
        if self.end_year and self.start_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end year cannot come before the start year.")
        if errors:
            raise ValidationError(errors)

    def permissions_for_user(self, user):
        from ..publishing.permissions import PartnershipPermissionTester

        return PartnershipPermissionTester(user, self)

    @property
    def country_list(self) -> list[Country]:
        """The countries set on the page, or else those of its institutions."""
        chosen = list(self.countries.all())
        if chosen:
            return chosen
        seen = {}
        for institution in [*self.north_institutions.all(), *self.south_institutions.all()]:
            seen.setdefault(institution.country_id, institution.country)
        return sorted(seen.values(), key=lambda country: country.name)

    @property
    def south_countries(self) -> list[Country]:
        chosen = [country for country in self.countries.all() if country.region_slug != "europe"]
        if chosen:
            return chosen
        seen = {institution.country_id: institution.country for institution in self.south_institutions.all()}
        return sorted(seen.values(), key=lambda country: country.name)

    @property
    def years(self) -> str:
        if self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return _("since %(year)s") % {"year": self.start_year}

    def get_context(self, request, *args, **kwargs):
        from ..selectors import TypeGroup, in_reader_language, partnership_items

        context = super().get_context(request, *args, **kwargs)
        # The original's items (a translation has only those translated), each in the reader's
        # language where it has a translation.
        language = reader_language(request)
        context["items_by_type"] = {
            slug: TypeGroup(in_reader_language(group.items, language), group.total)
            for slug, group in partnership_items(self.default_language_page).items()
        }
        return context
