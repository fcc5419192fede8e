"""The vocabularies items are tagged with: focus areas, countries, institutions, people."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from ..validators import validate_orcid


class FocusArea(index.Indexed, models.Model):
    """One of the five focus areas of the alliance charter."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    name_pt = models.CharField(_("name in Portuguese"), max_length=120, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_pt = models.TextField(_("description in Portuguese"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_fr"),
        FieldPanel("name_pt"),
        FieldPanel("name_es"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_fr"),
        FieldPanel("description_pt"),
        FieldPanel("description_es"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        return _in_reader_language(self, "name")

    @property
    def localized_description(self) -> str:
        return _in_reader_language(self, "description")


# The interface languages a taxonomy term carries its own fields for (<field>_<code>).
TRANSLATED_TERM_LANGUAGES = ("fr", "pt", "es")


def _in_reader_language(term: models.Model, field: str) -> str:
    """The term's text in the reader's interface language when it has one, else the English."""
    language = (get_language() or "").split("-")[0]
    translated_field = f"{field}_{language}"
    # A query that left the field out (.only()) gets the English rather than a query per term.
    if language in TRANSLATED_TERM_LANGUAGES and translated_field not in term.get_deferred_fields():
        return getattr(term, translated_field) or getattr(term, field)
    return getattr(term, field)


# The UN M49 regions, translated with the interface (the seeded names are English).
REGION_NAMES = {
    "africa": _("Africa"),
    "americas": _("Americas"),
    "asia": _("Asia"),
    "europe": _("Europe"),
    "oceania": _("Oceania"),
}


def region_name(slug: str, fallback: str = "") -> str:
    return str(REGION_NAMES.get(slug, fallback or slug))


class CountryForm(WagtailAdminModelForm):
    """The ISO codes are typed once, when a country is added; after that (and for the seeded
    list) they cannot change, since items and institutions refer to them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            for name in ("code", "iso3", "numeric"):
                self.fields[name].disabled = True


class Country(index.Indexed, models.Model):
    """An ISO 3166-1 country with its UN M49 region, seeded from knowledge/data/countries.csv."""

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("numeric code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    name_pt = models.CharField(_("name in Portuguese"), max_length=100, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    region_slug = models.SlugField(_("region slug"), max_length=50, blank=True, db_index=True)
    subregion = models.CharField(_("sub-region"), max_length=80, blank=True)
    intermediate_region = models.CharField(_("intermediate region"), max_length=80, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=7, decimal_places=4, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=7, decimal_places=4, null=True, blank=True)

    base_form_class = CountryForm
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_fr"),
        FieldPanel("name_pt"),
        FieldPanel("name_es"),
        FieldPanel("iso3"),
        FieldPanel("numeric"),
        FieldPanel("region"),
        FieldPanel("subregion"),
        FieldPanel("intermediate_region"),
        FieldPanel("latitude"),
        FieldPanel("longitude"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_fr"),
        index.SearchField("name_pt"),
        index.SearchField("name_es"),
        index.AutocompleteField("name"),
        index.FilterField("region_slug"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized_name

    def save(self, *args, **kwargs) -> None:
        self.region_slug = slugify(self.region)
        super().save(*args, **kwargs)

    @property
    def localized_name(self) -> str:
        return _in_reader_language(self, "name")

    @property
    def flag(self) -> str:
        """The flag emoji, built from regional indicator symbols."""
        return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in self.code.upper())


class Institution(index.Indexed, models.Model):
    """A hospital, university, laboratory or agency taking part in partnerships."""

    class Type(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        UNIVERSITY = "university", _("University")
        LABORATORY = "laboratory", _("Laboratory")
        MINISTRY = "ministry", _("Ministry of health")
        PUBLIC_HEALTH_INSTITUTE = "public_health_institute", _("Public health institute")
        NGO = "ngo", _("Non-governmental organisation")
        TRAINING_INSTITUTION = "training_institution", _("Training institution")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="institutions"
    )
    website = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("acronym"),
        FieldPanel("type"),
        FieldPanel("city"),
        FieldPanel("country"),
        FieldPanel("website"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("acronym"),
        index.SearchField("city"),
        index.AutocompleteField("name"),
        index.FilterField("type"),
        index.FilterField("country_id"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="unique_institution_per_country")]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class MemberAgency(models.Model):
    """A member of the alliance that funds partnerships (a national ESTHER programme)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="member_agencies"
    )
    website = models.URLField(_("website"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("acronym"), FieldPanel("country"), FieldPanel("website")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("member agency")
        verbose_name_plural = _("member agencies")

    def __str__(self) -> str:
        return self.name


class Person(index.Indexed, models.Model):
    """An author of a case study or the speaker of a testimonial."""

    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("Optional, like 0000-0002-1825-0097."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("institution"),
        FieldPanel("orcid"),
        FieldPanel("photo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        # The person chooser searches among the people the user may see (a filter on id).
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""
