"""The client's address, for login lockouts and API failure limits.

Not behind a proxy (``SECURE_PROXY_SSL_HEADER`` off, the default), the address is the
peer's, ``REMOTE_ADDR``, and nothing a client sends counts: an ``X-Forwarded-For``
header is whatever the client wants it to be. Behind a proxy, the proxy is the peer and
appends the address it saw to ``X-Forwarded-For``; entries further left were sent by the
client and may be forged. So the address is the right-most entry that is not one of our
own proxies (``TRUSTED_PROXY_NETWORKS``: further hops such as a load balancer behind a
CDN). Settings are read per call: tests and deployments switch the proxy setting.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXY_NETWORKS
    )


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request`` (``None`` if the server gave none).

    Takes a Django or DRF request (anything with ``META``); used by django-axes
    (``AXES_CLIENT_IP_CALLABLE``) and the API's failure limits.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    if settings.SECURE_PROXY_SSL_HEADER is None:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    found = None
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Not an address: written by the client, so the hop to its right (which our
            # proxy wrote) is the last one we can believe.
            break
        found = str(address)
        if not _trusted(address):
            return found
    # No forwarded address (a request from inside, e.g. a health check), or only our own
    # proxies: the left-most believable hop, else the peer.
    return found or peer
