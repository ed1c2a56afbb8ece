"""Notices (domain.notices): the templates' fields and the retry schedule, pure rules, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain import notices


def test_render_fills_dates_and_refuses_missing_extra_and_secret_fields() -> None:
    fields = {"tracking_no": "GS1", "decided_on": date(2026, 7, 6), "ground": "材料缺失"}
    subject, body = notices.render("acceptance_rejected", fields)
    assert subject == "投诉不予受理告知（GS1）"
    assert "2026年7月6日" in body and "向人民法院提起诉讼" in body  # CPL art. 39's other routes
    with pytest.raises(ValueError, match="missing"):
        notices.render("acceptance_rejected", {"tracking_no": "GS1"})
    with pytest.raises(ValueError, match="unexpected"):
        notices.render("acceptance_rejected", {**fields, "note": "x"})
    with pytest.raises(ValueError, match="never send"):
        notices.render("acceptance_rejected", {**fields, "access_code": "123456"})
    with pytest.raises(ValueError, match="no notice template"):
        notices.render("nope", {})


def test_retry_schedule() -> None:
    waits = [notices.next_try(n) for n in range(1, 6)]
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        None,
    ]
