"""Sign-in throttling with django-axes: how a username is counted and what a locked-out person sees.

After AXES_FAILURE_LIMIT failures for one username from one address within AXES_COOLOFF_TIME,
every further attempt for that username from that address gets the same 429 page, whether the
account exists or not and whether the password is right or not, until the cool-off ends. Counting
by username and address together means nobody can lock another person out from elsewhere; the
sign-in rate limit (config/security/ratelimit.py) bounds one address across usernames (see
docs/SECURITY.md).
"""

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled

USERNAME_MAX_LENGTH = 150  # Django's own; axes stores up to 255 and PostgreSQL refuses more


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS. Every sign-in form passes the request;
    code that authenticates without one (the test client's login(), a shell) is not a visitor
    guessing passwords, and axes would refuse it outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username as counted: case and surrounding spaces ignored (`Admin ` counts as `admin`),
    so nobody gets extra attempts by varying them; NUL removed (PostgreSQL cannot store it)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None:
        value = getattr(request, "POST", {}).get(field, "")
    return str(value).replace("\x00", "").strip().lower()[:USERNAME_MAX_LENGTH]


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_out_message() -> str:
    minutes = max(1, math.ceil(cool_off_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts for this account from your address. Signing in is paused "
        "for %(minutes)d minute; please try again after that, or reset your password with “Forgotten password?”.",
        "Too many failed sign-in attempts for this account from your address. Signing in is paused "
        "for %(minutes)d minutes; please try again after that, or reset your password with “Forgotten password?”.",
        minutes,
    ) % {"minutes": minutes}


class _ErrorMessage(str):
    """Shown in the login page's messages list, styled as Wagtail styles errors."""

    tags = "error"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the Wagtail sign-in page again, empty, with the reason, as a 429."""
    message = locked_out_message()
    if request.path_info == reverse("wagtailadmin_login"):
        response = TemplateResponse(
            request,
            "wagtailadmin/login.html",
            {
                "form": get_user_login_form()(request),
                "messages": [_ErrorMessage(message)],
                "show_password_reset": password_reset_enabled(),
                "next": reverse("wagtailadmin_home"),
            },
            status=429,
        )
        response.render()
    else:
        response = HttpResponse(message + "\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(cool_off_seconds())
    return response
