"""Partners add the people their items credit (an author, a speaker) from the person chooser,
without an editor: staff of their own partnership's institutions, with an optional ORCID iD.

The right lives in the chooser, not in a model permission: ``add_person`` would also open the
People list under Taxonomy, which names everyone's staff."""

import re

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from knowledge.models import Institution, PartnershipPage, Person


def manages_people(user) -> bool:
    return user.is_superuser or user.has_perm("knowledge.add_person")


def own_partnerships(user) -> QuerySet:
    return PartnershipPage.objects.filter(partner_group__group__user=user)


def partner_institutions(user) -> QuerySet:
    """The institutions of the user's partnerships, European and partner side."""
    own = own_partnerships(user)
    return Institution.objects.filter(
        pk__in=Institution.objects.filter(Q(north_partnerships__in=own) | Q(south_partnerships__in=own)).values("pk")
    )


def may_add_people_from_chooser(user) -> bool:
    return user.is_active and (manages_people(user) or own_partnerships(user).exists())


ORCID_URL_PREFIX = re.compile(r"^(https?://)?(www\.)?orcid\.org/", re.IGNORECASE)


class PersonCreationForm(forms.ModelForm):
    """The person chooser's "Add a person" form. A partner picks one of their partnership's
    institutions; the ORCID iD may be pasted as its link."""

    # Long enough for the link; the model's own validation checks the iD it leaves.
    orcid = forms.CharField(
        label=Person._meta.get_field("orcid").verbose_name,
        required=False,
        max_length=60,
        help_text=_("Optional, like 0000-0002-1825-0097 or its link on orcid.org."),
    )

    class Meta:
        model = Person
        fields = ["name", "role", "institution", "orcid"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_user is not None and not manages_people(for_user):
            institution = self.fields["institution"]
            institution.queryset = partner_institutions(for_user)
            institution.required = True
            institution.help_text = _("People are added for the institutions of your partnership.")
            institution.empty_label = _("Choose an institution")

    def clean_orcid(self) -> str:
        value = ORCID_URL_PREFIX.sub("", self.cleaned_data["orcid"].strip())
        return value.replace(" ", "").upper()


class PeopleCreationMixin:
    """For the person chooser's views: who may add a person there, and with which form."""

    def can_create(self) -> bool:
        return may_add_people_from_chooser(self.request.user)

    def get_creation_form_kwargs(self) -> dict:
        return {**super().get_creation_form_kwargs(), "for_user": self.request.user}
