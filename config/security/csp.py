"""Content-Security-Policy: the strict policy of CONTENT_SECURITY_POLICY on the public site, the
relaxed CONTENT_SECURITY_POLICY_ADMIN on Wagtail's admin (each relaxation and its reason is in
the settings and docs/SECURITY.md). The admin's sign-in and password-reset pages, which anyone
can reach, keep the strict policy."""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def uses_admin_policy(request: HttpRequest) -> bool:
    path = request.path_info
    if not path.startswith(settings.SECURITY_ADMIN_PATH):
        return False
    return not path.startswith(tuple(settings.SECURITY_ADMIN_PATH + p for p in settings.CSP_ADMIN_STRICT_PATHS))


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and uses_admin_policy(request):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts
