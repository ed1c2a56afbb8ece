"""What the service publishes and when a product calls for attention (DESIGN §2.9): the thresholds
arrive as data, the disclosure policy in force on a day."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DisclosurePolicy:
    merchant_threshold: int  # accepted complaints in the window before a merchant is named
    merchant_window_months: int
    open_data_k: int  # k of k-anonymity on sub-district × category × problem type × month
    product_signal_merchants: int  # distinct merchants naming the same product
    product_signal_complaints: int  # complaints naming it
    product_signal_window_days: int


DEFAULT_POLICY = DisclosurePolicy(
    merchant_threshold=3,
    merchant_window_months=12,
    open_data_k=5,
    product_signal_merchants=2,
    product_signal_complaints=3,
    product_signal_window_days=90,
)
