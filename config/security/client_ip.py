"""The address a request came from, behind as many trusted reverse proxies as the operator says.

django-ipware reads it; this module only says which of its rules this site follows, from one
setting, TRUSTED_PROXY_COUNT. The rate limits (django-ratelimit's RATELIMIT_IP_META_KEY) and
sign-in throttling (django-axes' AXES_CLIENT_IP_CALLABLE) both ask client_ip, so the two never
disagree about who a client is.
"""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0, the n-th address of
    X-Forwarded-For counted from the right.

    Each trusted proxy appends the address it received the request from, so the right-most n
    entries were written by our proxies and anything left of them by the client, who can put
    anything there. With no trusted proxy the header is never read. ipware counts the proxies
    whose addresses are inside the header: all of ours but the one that connects to us, whose
    address is REMOTE_ADDR. A header shorter than that, or with nothing readable where the client
    should be, is not trusted: the connection's address counts (ipware's rule, strict=False so
    that what a client wrote left of our entries is skipped rather than voiding the header).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        address, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"], strict=False)
    else:
        address, _routable = get_client_ip(
            request,
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
            strict=False,
        )
    return address or request.META.get("REMOTE_ADDR", "")
