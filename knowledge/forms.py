"""Validation of the library's query-string filters, so bad input gets a message, not a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Country, FocusArea
from .models.items import Language
from .models.taxonomy import region_name
from .selectors import ITEM_TYPES


class LibraryFilterForm(forms.Form):
    type = forms.MultipleChoiceField(required=False, choices=[(slug, slug) for slug in ITEM_TYPES])
    focus_area = forms.MultipleChoiceField(required=False)
    country = forms.MultipleChoiceField(required=False)
    region = forms.MultipleChoiceField(required=False)
    lang = forms.MultipleChoiceField(required=False, choices=Language.choices)
    year_from = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    year_to = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].choices = [(area.slug, area.localized_name) for area in FocusArea.objects.all()]
        countries = list(Country.objects.values_list("code", "name", "region_slug", "region"))
        self.fields["country"].choices = [(code, name) for code, name, *_rest in countries]
        self.fields["region"].choices = sorted(
            {(slug, region_name(slug, name)) for *_rest, slug, name in countries if slug}
        )

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_from > year_to:
            raise forms.ValidationError(_("The first year must not come after the last year."))
        return cleaned

    def error_text(self) -> str:
        """One line per problem, naming the parameter, for a 400 response."""
        lines = []
        for field, errors in self.errors.items():
            for error in errors:
                lines.append(error if field == "__all__" else f"{field}: {error}")
        return " ".join(lines)
