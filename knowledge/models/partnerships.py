"""A partnership between institutions in Europe and elsewhere; its knowledge items are its children."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from config.languages import ReaderLanguagePageMixin

from .taxonomy import Country

# Sub-paths of the library index that its routes answer; a partnership may not take them.
RESERVED_LIBRARY_SLUGS = {"focus-areas", "countries", "partnerships", "in-numbers"}

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]
# The partnership page's listing of its items is built above the models (knowledge/selectors.py),
# registered under this Wagtail hook: fn(page, request) -> dict added to the context.
PARTNERSHIP_PAGE_CONTEXT_HOOK = "knowledge_partnership_page_context"


class PartnershipPermissionTester(PagePermissionTester):
    """On a partnership page, a grant made on that very page gives only the right to add items;
    editing, deleting, moving or publishing the partnership needs a grant from above it."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            own, inherited = set(), set()
            for grant in self.permission_policy.get_cached_permissions_for_user(user):
                if page.path.startswith(grant.page.path):
                    action = grant.permission.codename.rsplit("_", maxsplit=1)[0]
                    (own if grant.page.path == page.path else inherited).add(action)
            self.permissions = inherited | (own & {"add"})


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
        context = super().get_context(request, *args, **kwargs)
        # Its items, by type: a listing the selectors above the models build (knowledge/wagtail_hooks.py).
        for add_to_context in hooks.get_hooks(PARTNERSHIP_PAGE_CONTEXT_HOOK):
            context.update(add_to_context(self, request))
        return context
