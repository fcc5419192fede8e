"""Headers every response carries that Django's SecurityMiddleware does not set itself."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .views import SECURITY_TXT_PATH, security_txt


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: private, no-store` on every
    response to a signed-in user: the admin, previews, and public pages, which then carry the
    Wagtail userbar and must never be served from a shared cache to someone else.

    Also answers /.well-known/security.txt (RFC 9116) once SECURITY_CONTACT is set: here rather
    than in the URLconf so that it sits with the rest of the security set-up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == SECURITY_TXT_PATH and settings.SECURITY_CONTACT:
            response = security_txt(request)
        else:
            response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if _signed_in(request) or request.path_info.startswith(settings.SECURITY_ADMIN_PATH):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie nobody is signed in: checking request.user then would only mark
    # the session as read and add `Vary: Cookie` to every anonymous page.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
