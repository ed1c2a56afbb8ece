"""What every notification channel is: a name, the contact it sends to, its body limit, and a sender.

A channel module (log.py, email.py, …) defines one class that meets `ChannelType` and names it `CHANNEL`;
the registry finds it there. `send` returns a `Delivery` when the notice went out and raises
`DeliveryError` when it did not (the reason is stored and shown to staff); the sending use case records
each try and decides about retries. A channel that needs settings builds itself from them in
`from_settings`, or raises `NotConfigured` with what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from service.settings import Settings


@dataclass(frozen=True, slots=True)
class Message:
    """A stored notice on its way out."""

    id: int
    recipient: str  # 'consumer', 'merchant:<id>', 'staff:<id>', 'staff:supervisors'
    address: str | None  # the recipient's contact of the channel's `contact_field` (None: it needs none)
    template: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """A notice the channel handed over: `reference` is what the far side knows it by, if anything."""

    channel: str
    reference: str | None = None


class DeliveryError(Exception):
    """The notice was not delivered; the message says why (it is stored and shown to staff)."""


class NotConfigured(Exception):
    """The channel's settings are missing; the message names them (each try of its notices fails with it)."""


class Sender(Protocol):
    async def send(self, message: Message) -> Delivery: ...


class Channel(Sender, Protocol):
    name: ClassVar[str]  # as stored in notifications.channel: 'log', 'email'
    label: ClassVar[str]  # as staff read it on the case page
    contact_field: ClassVar[str | None]  # the contact it sends to ('email', 'phone'); None: needs none
    max_chars: ClassVar[int | None]  # the longest body it carries (subject included); None: no limit
    rank: ClassVar[int]  # preference among the channels that reach a recipient: lower first

    async def send(self, message: Message) -> Delivery: ...


class ChannelType(Protocol):
    """A channel class as its module declares it (`CHANNEL = EmailChannel`)."""

    name: ClassVar[str]
    label: ClassVar[str]
    contact_field: ClassVar[str | None]
    max_chars: ClassVar[int | None]
    rank: ClassVar[int]

    @classmethod
    def from_settings(cls, settings: Settings) -> Channel: ...
