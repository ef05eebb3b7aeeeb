"""The client's address, for every throttle, rate limit and audit event: `client_ip(request)`.

Behind a reverse proxy every request arrives from the proxy's address, so counting REMOTE_ADDR would put all users
in one bucket. The proxy appends the address it saw to X-Forwarded-For; anything to the left of that was written by
the client and can be forged. So the header is honoured only when the request comes from a trusted proxy, and read
from the right: the rightmost address that is not itself a trusted proxy is the client.

Two ways to say which proxies are trusted (settings, from the environment):

- `TRUSTED_PROXIES`: addresses or networks (CIDR) of our proxies, e.g. "10.0.0.0/8,127.0.0.1". Hops from these
  are skipped; the first hop from the right outside them is the client.
- `TRUSTED_PROXY_COUNT`: the number of proxies in front of the application when their addresses are not fixed
  (a cloud load balancer). The client is the address that many hops from the right (REMOTE_ADDR counting as one).

With neither set (the default) X-Forwarded-For is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def trusted_networks() -> tuple[Network, ...]:
    value = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(value, str):
        value = value.split(",")
    return _networks(tuple(value))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    """The client's address as a string ("" when unknown): REMOTE_ADDR, or the forwarded address a trusted
    proxy vouches for."""
    if request is None:
        return ""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    hops = [*forwarded, str(remote)]  # oldest first; REMOTE_ADDR is the hop nearest to us
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    networks = trusted_networks()
    if count > 0:
        # The last `count` hops are our proxies; the one before them is the client. Fewer hops than proxies:
        # the request did not come through all of them, so nothing in the header can be trusted.
        if len(hops) <= count:
            return str(remote)
        address = _parse(hops[-(count + 1)])
        return str(address) if address is not None else str(remote)
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    client = remote
    for hop in reversed(forwarded):
        address = _parse(hop)
        if address is None:
            break  # garbage: the hop to its right (already checked to be a proxy) is as far as we can trust
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
