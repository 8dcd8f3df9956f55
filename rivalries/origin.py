"""The site's own origin, for the absolute URLs other sites and tools are given (the APIs'
``url`` fields, TimelineJS links, feeds, embeds, oEmbed, ``rel=canonical``, OpenGraph).

``SITE_URL`` (``https://rivalries.example``) is the origin when set, as production should.
Without it the request's own host is used, but only when it is one of ``ALLOWED_HOSTS``
written out (not ``*`` nor a ``.domain`` wildcard): an attacker's ``Host`` header must never
become a link that a newsroom or a cache passes on.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.http import HttpRequest
from django.http.request import split_domain_port

FALLBACK_ORIGIN = "http://localhost"


def site_origin(request: HttpRequest) -> str:
    """``scheme://host[:port]`` with no trailing slash."""
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return configured
    host = request.get_host()  # validated against ALLOWED_HOSTS (a 400 otherwise)
    domain, _ = split_domain_port(host)
    written_out = {name.lower() for name in settings.ALLOWED_HOSTS if name not in ("*",)}
    if domain.lower() not in written_out:
        return FALLBACK_ORIGIN
    return f"{request.scheme}://{host}"


def absolute(request: HttpRequest, path: str) -> str:
    """A path of ours (``/races/1/``) as a full URL on the site's origin."""
    if not path:
        return ""
    return site_origin(request) + path


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(**kwargs) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: production should say its own origin."""
    if getattr(settings, "SITE_URL", ""):
        return []
    return [
        checks.Warning(
            "SITE_URL is not set: absolute URLs (APIs, TimelineJS, feeds, embeds, canonical"
            " links) use the request's host when ALLOWED_HOSTS names it, else"
            f" {FALLBACK_ORIGIN}.",
            hint="Set SITE_URL=https://your.domain",
            id="rivalries.W001",
        )
    ]
