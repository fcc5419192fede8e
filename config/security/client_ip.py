"""The address a request came from, behind as many trusted reverse proxies as the operator says."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0, the n-th address of
    X-Forwarded-For counted from the right.

    Each trusted proxy appends the address it received the request from, so the right-most n
    entries were written by our proxies and anything left of them by the client, who can put
    anything there. With no trusted proxy the header is never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, so even the left-most entry
    # was written by a proxy we trust.
    candidate = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_key(request: HttpRequest) -> str:
    """What rate limits count by: the client's address, or its /64 network for IPv6 (one
    subscriber usually holds a whole /64 and could otherwise rotate through it)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
