"""GET /api/v1/taxonomy: the codes a complaint may use, with zh/en labels."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency

from domain.taxonomy import CHANNELS, REQUEST_KINDS, Label
from service.app_types import Services
from service.store import reference


class LabelOut(msgspec.Struct, omit_defaults=True):
    code: str
    zh: str
    en: str
    group: str | None = None


class TaxonomyOut(msgspec.Struct):
    quality_domains: list[LabelOut]
    categories: list[LabelOut]
    problem_types: list[LabelOut]
    subdistricts: list[LabelOut]
    requests: list[LabelOut]
    channels: list[LabelOut]


def _out(labels: tuple[Label, ...]) -> list[LabelOut]:
    return [LabelOut(label.code, label.zh, label.en, label.group) for label in labels]


@get("/api/v1/taxonomy", operation_id="GetTaxonomy", tags=["reference"])
async def taxonomy(services: NamedDependency[Services]) -> TaxonomyOut:
    async with services.pool.acquire() as conn:
        t = await reference.taxonomy(conn)
    return TaxonomyOut(
        quality_domains=_out(t.quality_domains),
        categories=_out(t.categories),
        problem_types=_out(t.problem_types),
        subdistricts=_out(t.subdistricts),
        requests=[LabelOut(code, zh, en) for code, (zh, en) in REQUEST_KINDS.items()],
        channels=[LabelOut(code, zh, en) for code, (zh, en) in CHANNELS.items()],
    )
