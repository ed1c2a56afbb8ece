"""The notification channels: found in this package, built from the settings, chosen per recipient.

Every module here that names a channel class `CHANNEL` is a channel (base, registry and pacing are not);
adding one is a module plus its settings. `disputes migrate` writes each declared channel into the
`notification_channels` lookup, so a notice names only a channel the code knows. A process builds its
`Channels` once from the settings (`configured_channels`): the ones whose settings are present send; the
others stay known, and each try of one of their notices fails with what is missing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

from service.adapters.channels.base import (
    Channel,
    ChannelType,
    Delivery,
    DeliveryError,
    Message,
    NotConfigured,
    Sender,
)
from service.settings import Settings

_NOT_CHANNELS = frozenset({"base", "registry", "pacing"})


@cache
def channel_types() -> Mapping[str, ChannelType]:
    """The channel classes of this package by name, in order of preference (rank)."""
    found: list[ChannelType] = []
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in _NOT_CHANNELS:
            continue
        kind = getattr(importlib.import_module(f"{__package__}.{info.name}"), "CHANNEL", None)
        if kind is not None:
            found.append(kind)
    return {kind.name: kind for kind in sorted(found, key=lambda k: (k.rank, k.name))}


class Route(NamedTuple):
    """The channel a notice goes by, and the recipient's contact for it (None: the channel needs none)."""

    channel: str
    address: str | None


class Unavailable:
    """A channel that cannot deliver (its settings are missing, or no such channel): each try fails."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    async def send(self, message: Message) -> Delivery:
        raise DeliveryError(self.reason)


class Channels:
    """The channels one process sends through, in order of preference, and why the others cannot."""

    def __init__(self, active: Iterable[Channel], unavailable: Mapping[str, str] | None = None) -> None:
        self.active: tuple[Channel, ...] = tuple(sorted(active, key=lambda c: (c.rank, c.name)))
        self.unavailable = dict(unavailable or {})
        self._by_name = {c.name: c for c in self.active}

    def channel_for(self, name: str) -> Sender:
        """The channel a stored notice names; one that fails each try when it cannot be used here."""
        if name in self._by_name:
            return self._by_name[name]
        return Unavailable(name, self.unavailable.get(name) or f"no channel {name!r}")

    def route(self, contacts: Mapping[str, str | None], body: str) -> Route:
        """The preferred channel that reaches a recipient with these contacts ({'email': …, 'phone': …})
        and carries a body this long; a channel that needs no contact (the log) reaches everyone."""
        for channel in self.active:
            if channel.max_chars is not None and len(body) > channel.max_chars:
                continue
            if channel.contact_field is None:
                return Route(channel.name, None)
            if address := contacts.get(channel.contact_field):
                return Route(channel.name, address)
        raise LookupError(f"no channel reaches contacts {sorted(k for k, v in contacts.items() if v)}")

    def reaching(self, contacts: Mapping[str, str | None]) -> list[tuple[Channel, Route]]:
        """Every active channel that reaches a recipient with these contacts, preferred first: one with a
        contact field needs that contact (and, when it says so, one it `reaches`: the SMS gateway's
        regions); the log needs none. The caller checks each one's body limit."""
        found = []
        for channel in self.active:
            if channel.contact_field is None:
                found.append((channel, Route(channel.name, None)))
                continue
            address = contacts.get(channel.contact_field)
            reaches = getattr(channel, "reaches", None)
            if address and (reaches is None or reaches(address)):
                found.append((channel, Route(channel.name, address)))
        return found


def configured_channels(settings: Settings, types: Iterable[ChannelType] | None = None) -> Channels:
    """Each channel type built from the settings (all of this package's unless `types` names them)."""
    active: list[Channel] = []
    unavailable: dict[str, str] = {}
    for kind in channel_types().values() if types is None else types:
        try:
            active.append(kind.from_settings(settings))
        except NotConfigured as exc:
            unavailable[kind.name] = str(exc)
    return Channels(active, unavailable)


@cache
def recorded_only() -> Channels:
    """The channels that need no contact and no settings: enough for a recipient without contacts."""
    built = configured_channels(Settings())
    return Channels(c for c in built.active if c.contact_field is None)


def declared() -> list[tuple[str, str, str | None, int | None]]:
    """(name, label, contact_field, max_chars) of every channel: the rows of `notification_channels`."""
    return [(k.name, k.label, k.contact_field, k.max_chars) for k in channel_types().values()]
