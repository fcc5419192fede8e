"""The one form every listing of items validates with: /search/, the library and its focus-area and
country listings, the JSON API, exports and the search feed. A bad parameter gets a 400 that
names it, never a 500. Its filters are the facets of search/schema.py."""

import dataclasses

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from knowledge.models import Country, FocusArea, Language, PartnershipPage
from knowledge.selectors import ITEM_TYPES

from .query import SORTS, SearchQuery

PAGE_SIZES = (10, 20, 50)
# The deepest result a page may show, for every engine: Elasticsearch refuses `from + size`
# beyond its `index.max_result_window` (10,000 by default), and the embedded engine keeps the
# same bound so that a link works whichever engine answers.
MAX_RESULTS = 10_000


def last_page(page_size: int) -> int:
    """The deepest page of `page_size` results that stays within MAX_RESULTS."""
    return MAX_RESULTS // page_size


class CheckedMultipleChoiceField(forms.MultipleChoiceField):
    """Multiple values, each checked against the database only when given. Listing every choice
    on each request cost a query per field, and for partnerships a read of the whole page tree
    (Wagtail orders pages by path)."""

    def __init__(self, *, existing, **kwargs):
        super().__init__(**kwargs)
        self.existing = existing

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for val in value:
            ProhibitNullCharactersValidator()(val)  # PostgreSQL refuses NUL in a text parameter
        known = self.existing(value) if value else set()
        for val in value:
            if val not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": val}
                )


def live_partnerships(slugs: list[str]) -> set[str]:
    return set(PartnershipPage.objects.live().filter(slug__in=slugs).order_by().values_list("slug", flat=True))


def focus_areas(slugs: list[str]) -> set[str]:
    return set(FocusArea.objects.filter(slug__in=slugs).values_list("slug", flat=True))


def countries(codes: list[str]) -> set[str]:
    return set(Country.objects.filter(code__in=codes).values_list("code", flat=True))


def regions(slugs: list[str]) -> set[str]:
    return set(
        Country.objects.filter(region_slug__in=slugs).exclude(region_slug="").values_list("region_slug", flat=True)
    )


# "case-study" -> "Case studies": the item types and their names come from the models.
TYPE_CHOICES = [(slug, capfirst(model._meta.verbose_name_plural)) for slug, model in ITEM_TYPES.items()]


def reader_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class ParametersForm(forms.Form):
    """A public endpoint's parameters: any problem is answered with a 400 that names it."""

    def error_text(self) -> str:
        """One line per problem, naming the parameter."""
        lines = []
        for name, errors in self.errors.items():
            for error in errors:
                lines.append(str(error) if name == "__all__" else f"{name}: {error}")
        return " ".join(lines)


class ReaderField(forms.ChoiceField):
    """`reader`: the interface language of the reader, for the addresses with no language prefix
    (the JSON APIs, feeds): each item is shown once, in that language's version where there is one."""

    def __init__(self, **kwargs):
        super().__init__(required=False, choices=reader_languages, **kwargs)


class ReaderForm(ParametersForm):
    reader = ReaderField()


class AutocompleteForm(ReaderForm):
    q = forms.CharField(required=False, strip=False)


class SearchForm(ParametersForm):
    q = forms.CharField(required=False, strip=True, max_length=10_000)
    type = forms.MultipleChoiceField(required=False, choices=TYPE_CHOICES)
    focus_area = CheckedMultipleChoiceField(required=False, existing=focus_areas)
    country = CheckedMultipleChoiceField(required=False, existing=countries)
    region = CheckedMultipleChoiceField(required=False, existing=regions)
    partnership = CheckedMultipleChoiceField(required=False, existing=live_partnerships)
    lang = forms.MultipleChoiceField(required=False, choices=Language.choices)
    year_from = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    year_to = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1)  # at most last_page(page_size): see clean()
    page_size = forms.TypedChoiceField(
        required=False, coerce=int, choices=[(n, n) for n in PAGE_SIZES], empty_value=None
    )
    reader = ReaderField()

    def __init__(self, data=None, *args, default_page_size: int = 10, **kwargs):
        """`default_page_size`: the page size when the parameter is not given (the library's
        listings show 20 cards a page, the search page 10 results)."""
        self.default_page_size = default_page_size
        if data is not None and "country" in data:
            data = data.copy()
            data.setlist("country", [code.upper() for code in data.getlist("country")])
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_from > year_to:
            raise forms.ValidationError(_("year_from must not come after year_to."))
        page, page_size = cleaned.get("page"), cleaned.get("page_size") or self.default_page_size
        if page and page > last_page(page_size):
            self.add_error(
                "page",
                _(
                    "must be at most %(last)s with page_size %(size)s: "
                    "only the first %(limit)s results can be paged through."
                )
                % {"last": last_page(page_size), "size": page_size, "limit": f"{MAX_RESULTS:,}"},
            )
        return cleaned

    def to_query(self, **fixed) -> SearchQuery:
        """The validated parameters as a query; `fixed` overrides them (a listing's own scope)."""
        data = self.cleaned_data
        query = SearchQuery(
            text=data.get("q") or "",
            types=tuple(data.get("type") or ()),
            focus_areas=tuple(data.get("focus_area") or ()),
            countries=tuple(data.get("country") or ()),
            regions=tuple(data.get("region") or ()),
            partnerships=tuple(data.get("partnership") or ()),
            languages=tuple(data.get("lang") or ()),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
            page=data.get("page") or 1,
            page_size=data.get("page_size") or self.default_page_size,
            readers=(data["reader"],) if data.get("reader") else (),
        )
        return dataclasses.replace(query, **fixed)
