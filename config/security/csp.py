"""Content-Security-Policy: the strict policy of CONTENT_SECURITY_POLICY on the public site, the
relaxed CONTENT_SECURITY_POLICY_ADMIN on Wagtail's admin (each relaxation and its reason is in
the settings and docs/SECURITY.md). The admin's sign-in and password-reset pages, which anyone
can reach, keep the strict policy. A preview of a page rendered for the admin's preview panel
keeps the public policy, except that the admin itself may frame it."""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What the editor's preview panel needs of a preview: to be framed by the admin, nothing more.
ADMIN_PREVIEW_FRAME_ANCESTORS = ["'self'"]


def uses_admin_policy(request: HttpRequest) -> bool:
    path = request.path_info
    if not path.startswith(settings.SECURITY_ADMIN_PATH):
        return False
    return not path.startswith(tuple(settings.SECURITY_ADMIN_PATH + p for p in settings.CSP_ADMIN_STRICT_PATHS))


def is_admin_preview(request: HttpRequest) -> bool:
    """Whether this is the request Wagtail's admin builds to render a preview.

    Wagtail's preview views check the user's right to preview the object, then render it through
    the middleware with a request of their own whose path is the page's public URL
    (`make_preview_request`, which marks it `is_dummy` and `is_preview`); the admin response
    that carries the preview takes its headers. No request from outside carries those marks.
    The user must also be one the admin lets in.
    """
    if not (getattr(request, "is_dummy", False) and getattr(request, "is_preview", False)):
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if uses_admin_policy(request):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        elif is_admin_preview(request):
            # The page as the public gets it, so a preview breaks where the public page would;
            # only its framing differs: the preview panel shows it in an iframe of the admin.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ADMIN_PREVIEW_FRAME_ANCESTORS}
        return parts
