"""System checks for the security settings: a malformed rate limit or an unknown rate-limit cache
stops `manage.py check` (and so every deploy) with the setting named."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .ratelimit import parse_rate


@register(Tags.security)
def check_rate_limits(app_configs, **kwargs):
    errors = []
    for group, text in settings.RATE_LIMITS.items():
        try:
            parse_rate(text)
        except ImproperlyConfigured as error:
            errors.append(Error(f"RATE_LIMITS[{group!r}]: {error}", id="site_security.E001"))
    if settings.RATE_LIMIT_CACHE not in settings.CACHES:
        errors.append(Error(f"RATE_LIMIT_CACHE names no cache: {settings.RATE_LIMIT_CACHE!r}", id="site_security.E002"))
    if settings.RATE_LIMIT_CACHE_BACKEND not in ("memory", "database"):
        errors.append(
            Error(
                f"RATE_LIMIT_CACHE must be memory or database, not {settings.RATE_LIMIT_CACHE_BACKEND!r}",
                id="site_security.E003",
            )
        )
    return errors
