"""Notification channels as plugins: one module per channel (log.py, email.py), found by registry.py."""

from service.adapters.channels.base import Channel, Delivery, DeliveryError, Message, NotConfigured, Sender
from service.adapters.channels.pacing import RateLimits
from service.adapters.channels.registry import (
    Channels,
    Route,
    Unavailable,
    channel_types,
    configured_channels,
    declared,
    recorded_only,
)

__all__ = [
    "Channel",
    "Channels",
    "Delivery",
    "DeliveryError",
    "Message",
    "NotConfigured",
    "RateLimits",
    "Route",
    "Sender",
    "Unavailable",
    "channel_types",
    "configured_channels",
    "declared",
    "recorded_only",
]
