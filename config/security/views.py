"""/.well-known/security.txt (RFC 9116): where to report a security flaw."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SECURITY_TXT_PATH = "/.well-known/security.txt"
# RFC 9116 asks for an expiry under a year ahead, so readers know the file is looked after.
SECURITY_TXT_LIFETIME = datetime.timedelta(days=180)


def security_txt(request: HttpRequest) -> HttpResponse:
    contact = settings.SECURITY_CONTACT
    if "@" in contact and not contact.startswith(("mailto:", "https://")):
        contact = f"mailto:{contact}"
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(microsecond=0)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en, fr, pt, es",
        # Where it was fetched from (RFC 9116), and without the database: it must answer whatever else fails.
        f"Canonical: {request.build_absolute_uri(SECURITY_TXT_PATH)}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
