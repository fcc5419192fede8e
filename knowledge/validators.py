import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import isni

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def validate_orcid(value: str) -> None:
    """An ORCID iD in its canonical form, 0000-0002-1825-0097, with a valid check digit."""
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            _("Enter the ORCID iD as sixteen characters in four groups, like 0000-0002-1825-0097."),
            code="orcid_format",
        )
    # ORCID iDs are a block of ISNI numbers and share its ISO 7064 MOD 11-2 check digit.
    if not isni.is_valid(value.replace("-", "")):
        raise ValidationError(
            _("This ORCID iD has a wrong check digit: please copy it again from orcid.org."),
            code="orcid_checksum",
        )
