"""Behind a reverse proxy: believe X-Forwarded-For and X-Forwarded-Proto only from the proxies we trust.

The peer that opened the connection is REMOTE_ADDR. When it is one of ACCORD_TRUSTED_PROXIES
(addresses or CIDR networks), the client is the rightmost address of X-Forwarded-For that is not a
trusted proxy (every hop to its right was added by a proxy we trust; anything to its left the client
could have written itself), and the request is secure when the proxy says X-Forwarded-Proto: https.
From any other peer both headers are removed, so nothing later (the login throttle's address, a
redirect's scheme) can be fooled by a client that writes them.

The web server passes both headers through untouched (waitress with clear_untrusted_proxy_headers
off; gunicorn with forwarded_allow_ips set to the same list) and this middleware alone decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str], *, setting: str = "ACCORD_TRUSTED_PROXIES") -> tuple[Network, ...]:
    """`10.0.0.5`, `10.0.0.0/8` or `::1` as networks; a bad entry names the setting."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{setting}: {value!r} is not an IP address or CIDR network") from None
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:51234
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The rightmost hop of `peer` + X-Forwarded-For that is not a trusted proxy (the leftmost if all are)."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    candidate = peer
    for hop in reversed(hops):
        if not is_trusted(candidate, networks):
            break
        if _address(hop) is None:  # garbage written by someone: stop at the last proxy we trust
            break
        candidate = hop
    parsed = _address(candidate)
    return str(parsed) if parsed is not None else peer


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: REMOTE_ADDR and the scheme are right before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = parse_networks(settings.ACCORD_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        forwarded_for = meta.pop("HTTP_X_FORWARDED_FOR", "")
        forwarded_proto = meta.pop("HTTP_X_FORWARDED_PROTO", "")
        if self.networks and is_trusted(peer, self.networks):
            meta["REMOTE_ADDR"] = client_address(peer, forwarded_for, self.networks)
            # Each proxy appends its own view; the rightmost value is the one our nearest proxy wrote.
            proto = forwarded_proto.split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                meta["wsgi.url_scheme"] = proto
        return self.get_response(request)
