"""Per-client request limits on search, exports, feeds of searches, the machine APIs and the forms
that guess a secret or send e-mail.

django-ratelimit counts (a fixed window per client and group in Django's cache; the client by
config/security/client_ip.py, IPv6 clients by their /64 network, since one subscriber usually
holds a whole /64). Past the limit the answer is 429 with a sentence saying how long to wait and
a Retry-After header. What this module adds, which django-ratelimit lacks:

- limits on views this site does not write (Wagtail's sign-in, password reset and private-page
  password form, the Wagtail API router): its decorator must wrap each view, so this middleware
  finds the group from the resolved URL name;
- rates checked before the first request (`manage.py check`, config/security/checks.py), with
  "off" to lift one: django-ratelimit reads a rate when a request comes, and a typo fails then;
- a cache that raises lets requests through, logged: its RATELIMIT_FAIL_OPEN covers only a cache
  that answers nothing, and a limit must never take search down;
- the answer: its Ratelimited exception becomes a 403 without Retry-After; here a 429 in the
  view's own format (an HTML page, JSON, or plain text for feed readers and harvesters).
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

# Which views count against which limit (RATE_LIMITS holds the rates). Matched on the resolved
# view, so /fr/search/ counts like /search/ and unknown URLs (404s) are never limited.
VIEW_GROUPS = {
    "search": "search",
    "search_api": "search",
    "feed_search": "search",
    "search_feed_page": "search",
    "search_autocomplete": "autocomplete",
    "search_export": "export",
    "oai_pmh": "api",
    # Forms that guess a secret or send e-mail: a private page's shared password, a password reset.
    "wagtailcore_authenticate_with_password": "page_password",
    "wagtailadmin_password_reset": "password_reset",
    # The admin's sign-in and Wagtail's sign-in for private pages.
    "wagtailadmin_login": "sign_in",
    "wagtailcore_login": "sign_in",
}
# Groups where only submissions count: showing a sign-in form is free.
POST_ONLY_GROUPS = {"sign_in"}
API_NAMESPACE = "wagtailapi"  # the Wagtail API v2 router (/api/v2/)
HTML_VIEWS = {
    "search",
    "search_feed_page",
    "search_export",
    "wagtailcore_authenticate_with_password",
    "wagtailadmin_password_reset",
    "wagtailadmin_login",
    "wagtailcore_login",
}
JSON_VIEWS = {"search_api", "search_autocomplete"}

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "": 1}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """'60/m' (60 a minute), '10/5m', '1000/h', '30/20s', '100/60' (seconds); '0' or 'off': no limit."""
    if text.strip().lower() in ("0", "off", "none", ""):
        return None
    match = _RATE.match(text)
    if not match:
        raise ImproperlyConfigured(f"A rate limit must look like 60/m, 10/5m, 1000/h or off, not {text!r}")
    count, multiple, unit = match.groups()
    if not multiple and not unit:
        raise ImproperlyConfigured(f"A rate limit needs a period after the slash: {text!r}")
    seconds = int(multiple or 1) * _UNIT_SECONDS[unit]
    if int(count) < 1 or seconds < 1:
        raise ImproperlyConfigured(f"A rate limit needs at least one request per at least one second: {text!r}")
    return Rate(int(count), seconds)


def limit_group(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if API_NAMESPACE in match.namespaces:
        return "api"
    return VIEW_GROUPS.get(match.url_name)


class RateLimitMiddleware:
    """Counts each request to a limited view against its client's budget for that group."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.rates = {group: parse_rate(text) for group, text in settings.RATE_LIMITS.items()}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.RATE_LIMIT_ENABLED:
            return None
        group = limit_group(request)
        rate = self.rates.get(group) if group else None
        if rate is None:
            return None
        try:
            usage = get_usage(
                request,
                group=group,
                key="ip",  # client_ip, through RATELIMIT_IP_META_KEY
                rate=(rate.count, rate.seconds),
                method="POST" if group in POST_ONLY_GROUPS else ALL,
                increment=True,
            )
        except Exception:  # noqa: BLE001 - any cache failure: let the request through, say so in the log
            logger.exception("Rate limit cache %r failed; request allowed", settings.RATE_LIMIT_CACHE)
            return None
        if usage is None or not usage["should_limit"]:
            return None
        return too_many_requests(request, rate, retry_after=max(1, usage["time_left"]))


def _period(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("hour", "%(count)d hours", hours) % {"count": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("second", "%(count)d seconds", seconds) % {"count": seconds}


def rate_limit_message(rate: Rate, retry_after: int) -> str:
    return _(
        "Too many requests from your address: this service answers at most %(count)d requests per %(period)s. "
        "Please wait %(seconds)d seconds and try again."
    ) % {"count": rate.count, "period": _period(rate.seconds), "seconds": retry_after}


def too_many_requests(request: HttpRequest, rate: Rate, retry_after: int) -> HttpResponse:
    message = rate_limit_message(rate, retry_after)
    url_name = request.resolver_match.url_name
    if url_name in HTML_VIEWS:
        response = HttpResponse(
            render_to_string("security/too_many_requests.html", {"message": message}, request=request), status=429
        )
    elif url_name in JSON_VIEWS or API_NAMESPACE in request.resolver_match.namespaces:
        key = "message" if API_NAMESPACE in request.resolver_match.namespaces else "error"
        response = JsonResponse({key: message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:  # feeds and OAI-PMH: harvesters and feed readers log plain text best
        response = HttpResponse(message + "\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
