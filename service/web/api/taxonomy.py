"""GET /api/v1/taxonomy: the codes a complaint may use, with zh/en labels."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from service.app_types import Services
from service.queries import reference
from service.queries.reference import TaxonomyView


@get("/api/v1/taxonomy", operation_id="GetTaxonomy", tags=["reference"])
async def taxonomy(services: NamedDependency[Services]) -> TaxonomyView:
    return await reference.taxonomy_view(services.pool)
