"""Classification codes (DESIGN §2.3). The codes are data in the database; this is their in-memory value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Label:
    code: str
    zh: str
    en: str
    group: str | None = None  # categories: "goods" or "services"


@dataclass(frozen=True, slots=True)
class Taxonomy:
    quality_domains: tuple[Label, ...]
    categories: tuple[Label, ...]
    problem_types: tuple[Label, ...]
    subdistricts: tuple[Label, ...]

    def codes(self, kind: str) -> frozenset[str]:
        labels: tuple[Label, ...] = getattr(self, kind)
        return frozenset(label.code for label in labels)

    def label(self, kind: str, code: str | None) -> str:
        if code is None:
            return ""
        labels: tuple[Label, ...] = getattr(self, kind)
        return next((label.zh for label in labels if label.code == code), code)


# The statutory remedies (CPL art. 40 / 52): fixed by law, not by the district, so they live in code.
REQUEST_KINDS: dict[str, tuple[str, str]] = {
    "repair": ("修理", "Repair"),
    "redo": ("重作", "Redo"),
    "replace": ("更换", "Replace"),
    "return": ("退货", "Return"),
    "make_up_quantity": ("补足商品数量", "Make up the quantity"),
    "refund": ("退还货款和服务费用", "Refund the price or fee"),
    "compensate": ("赔偿损失", "Compensate for losses"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "web": ("网上登记", "Web form"),
    "phone": ("电话", "Phone"),
    "letter": ("信函", "Letter"),
    "counter": ("窗口", "Counter"),
    "transfer": ("转办", "Transferred"),
}
PUBLIC_CHANNELS = frozenset({"web"})
