from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from core.models import User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view, typed."""
    user = request.user
    assert isinstance(user, User), "request_user() is for views behind login_required"
    return user


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    return address is not None and any(address in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the trusted proxies report it (``TRUSTED_PROXIES``).

    ``X-Forwarded-For`` is read only when the request came from a trusted proxy, and from the right:
    each trusted proxy appends the address it saw, so the first untrusted hop from the right is the
    client; whatever a client wrote further left is ignored. Without trusted proxies this is
    ``REMOTE_ADDR``."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(_address(remote)):
        return remote
    hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # a malformed hop: trust nothing further left of it
            return remote
        if not _trusted(address):
            return str(address)
    return str(_address(hops[0])) if hops else remote
