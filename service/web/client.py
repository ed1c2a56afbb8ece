"""Who the client is and how it reached us: the one place that reads forwarding headers.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the peer that connected to us is a
configured proxy (`TRUSTED_PROXIES`, empty by default): anyone else could name any address or scheme
and so dodge per-client limits, forge log lines or make us think a request came over HTTPS.
`resolve_scope` runs once per request at the edge (service.web.edge, before routing, logging and
throttles) and rewrites the ASGI scope's `client` and `scheme`, so `request.client`, `request.url.scheme`,
`client_address(request)` and `client_scheme(request)` all agree.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from litestar.connection import ASGIConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_STATE_KEY = "client_address"
_RESOLVED_KEY = "client_resolved"


def parse_trusted_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks ("10.0.0.0/8", "127.0.0.1", "::1"); a typo fails at start-up, not later."""
    networks = []
    for raw in values:
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
    return tuple(networks)


def is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    if not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def _header(scope: Mapping[str, Any], name: bytes) -> list[str]:
    """Every value of a header, each comma-separated list split, in the order the proxies appended them."""
    values: list[str] = []
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            values += [v.strip() for v in value.decode("latin-1").split(",")]
    return [v for v in values if v]


def resolve(scope: Mapping[str, Any], trusted: tuple[Network, ...]) -> tuple[str, str]:
    """(client address, scheme) for one request.

    Walks `X-Forwarded-For` from the right, past our own trusted proxies, to the first hop we did not
    configure: that is the client (addresses left of it were written by the client and prove nothing).
    """
    peer_info = scope.get("client")
    peer = str(peer_info[0]) if peer_info else "unknown"
    scheme = str(scope.get("scheme", "http"))
    if not is_trusted(peer, trusted):
        return peer, scheme
    address = peer
    for hop in reversed(_header(scope, b"x-forwarded-for")):
        address = hop
        if not is_trusted(hop, trusted):
            break
    protos = _header(scope, b"x-forwarded-proto")
    if protos and protos[-1].lower() in {"http", "https"}:
        scheme = protos[-1].lower()
    if scope.get("type") == "websocket":
        scheme = {"http": "ws", "https": "wss"}[scheme] if scheme in {"http", "https"} else scheme
    return address, scheme


def resolve_scope(scope: Any, trusted: tuple[Network, ...]) -> str:
    """Resolve once and rewrite the scope's `client` and `scheme`; the client address."""
    state = scope.setdefault("state", {})
    if state.get(_RESOLVED_KEY):
        return str(state[_STATE_KEY])
    address, scheme = resolve(scope, trusted)
    peer = scope.get("client")
    scope["client"] = (address, peer[1] if peer else 0)
    scope["scheme"] = scheme
    state[_STATE_KEY] = address
    state[_RESOLVED_KEY] = True
    return address


def _scope_of(request_or_scope: ASGIConnection[Any, Any, Any, Any] | Mapping[str, Any]) -> Any:
    return request_or_scope.scope if isinstance(request_or_scope, ASGIConnection) else request_or_scope


def _trusted_of(scope: Any) -> tuple[Network, ...]:
    app = scope.get("app")
    services = getattr(getattr(app, "state", None), "services", None) if app is not None else None
    settings = getattr(services, "settings", None)
    return parse_trusted_proxies(getattr(settings, "trusted_proxies", ()) or ())


def client_address(request: ASGIConnection[Any, Any, Any, Any] | Mapping[str, Any]) -> str:
    """The client's IP address as a string ("203.0.113.7", "::1"), for per-client limits and logs.

    Pass the request (or any Litestar connection; an ASGI scope works too). Forwarding headers count
    only from `TRUSTED_PROXIES`; without a configured proxy this is the TCP peer. "unknown" when the
    server did not say (some test transports).
    """
    scope = _scope_of(request)
    state = scope.get("state") or {}
    if state.get(_RESOLVED_KEY):
        return str(state[_STATE_KEY])
    return resolve_scope(scope, _trusted_of(scope))


def client_scheme(request: ASGIConnection[Any, Any, Any, Any] | Mapping[str, Any]) -> str:
    """ "https" or "http" as the client saw it (X-Forwarded-Proto only from a trusted proxy)."""
    scope = _scope_of(request)
    client_address(request)  # makes sure the scope was resolved
    return str(scope.get("scheme", "http"))
