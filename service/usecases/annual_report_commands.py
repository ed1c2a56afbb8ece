"""The command of the annual report's typical-case form: a de-identified title and summary for one case."""

from __future__ import annotations

from typing import Annotated

import msgspec


class SaveTypicalCase(msgspec.Struct, forbid_unknown_fields=False):
    title: Annotated[str, msgspec.Meta(description="A short title, without personal data")] | None = None
    summary: (
        Annotated[str, msgspec.Meta(description="The de-identified summary printed in the report")] | None
    ) = None
