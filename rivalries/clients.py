"""The reader's own address, also behind the proxies we run (nginx, a load balancer).

Behind a proxy every request's socket address (``REMOTE_ADDR``) is the proxy's, so login
throttling keyed on it locks every editor out together. Each proxy appends the address it was
connected from to ``X-Forwarded-For``; the client's is the entry just left of the proxies we
run, counted from the right: entries further left are whatever the client claimed and can be
forged. Two ways to say which proxies are ours (environment, rivalries/settings.py):

- ``TRUSTED_PROXY_COUNT``: how many proxies stand in front of the app (1 for nginx alone);
- ``TRUSTED_PROXIES``: their addresses or networks ("10.0.0.0/8,127.0.0.1"); a request whose
  socket address is not one of them came around the proxies and is taken at its socket address.

With neither set (the default) ``X-Forwarded-For`` is ignored. django-ipware was tried first:
it counts proxies among the header's entries rather than trusting ``REMOTE_ADDR`` as the last
one, and answers None when the count does not match, so it does not fit nginx's
``$proxy_add_x_forwarded_for``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(texts: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks as written in a setting; a bad one is an error that quotes it."""
    found = []
    for text in texts:
        try:
            found.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise ValueError(f"'{text}' is not an IP address or network") from None
    return tuple(found)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def is_in(text: str, among: tuple[Network, ...]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in among)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the socket's, or the one our proxies report."""
    remote = request.META.get("REMOTE_ADDR", "")
    count: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    trusted: tuple[Network, ...] = networks(getattr(settings, "TRUSTED_PROXIES", ()))
    if not count and not trusted:
        return remote
    if trusted and not is_in(remote, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    if count:
        index = len(chain) - 1 - count
        chosen = chain[index] if index >= 0 else remote
    else:
        untrusted = [hop for hop in reversed(chain) if not is_in(hop, trusted)]
        chosen = untrusted[0] if untrusted else chain[0]
    address = _address(chosen)
    return str(address) if address is not None else remote
