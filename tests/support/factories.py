"""Valid bodies and identifiers for tests; each test changes only what it is about."""

from __future__ import annotations

import copy
import itertools
import random
from datetime import date, timedelta
from typing import Any

from domain.identifiers import uscc_check_char
from domain.satisfaction import QUESTIONS
from tests.support.clock import today_local

USCC = "91330105MA2H00001" + uscc_check_char("91330105MA2H00001")

# A satisfaction survey answered "very satisfied" throughout (score 100).
GOOD = {**dict.fromkeys(QUESTIONS, "very_satisfied"), "outcome": "dont_know"}

_SEQUENCE = itertools.count(1)
_SERIAL = itertools.count(random.randrange(10**6) * 10)


def fresh_uscc() -> str:
    """A valid unified social credit code no other test of this run uses."""
    first17 = f"91330105MA{next(_SERIAL) % 10**7:07d}"
    return first17 + uscc_check_char(first17)


def complaint_body(*, today: date | None = None, **changes: Any) -> dict[str, Any]:
    """A valid body; its purchase date is 20 days before `today` (default: the Shanghai date now). A test
    that registers at a fixed moment passes that moment's date. `a__b=v` sets body["a"]["b"]; `...` drops."""
    body: dict[str, Any] = {
        "consumer": {
            "name": "张三",
            "phone": "13812345678",
            "address": "杭州市拱墅区莫干山路100号1单元101室",
        },
        "merchant": {"name": "杭州某某电器有限公司", "address": "杭州市拱墅区湖墅南路200号", "uscc": USCC},
        "subdistrict": "hushu",
        "quality_domain": "product",
        "category": "household_appliances",
        "problem_type": "quality",
        "purchase_date": ((today or today_local()) - timedelta(days=20)).isoformat(),
        "amount_paid": "399.00",
        "claim_amount": "399.00",
        "requests": ["refund"],
        # numbered, so that two bodies are two complaints, not a resubmission (issue 12: the same
        # complaint within 10 minutes returns the first receipt); the duplicate tests pass one body twice
        "description": f"上月在该店购买电水壶一台，使用三天后底座漏电，商家拒绝退货。（{next(_SEQUENCE)}）",
        "consents": {"mediation": True, "entrusted_mediation": False, "publish": False},
    }
    body = copy.deepcopy(body)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for key in parents:
            target = target.setdefault(key, {})
        if value is ...:
            target.pop(last, None)
        else:
            target[last] = value
    return body


def complaint_against(merchant_name: str, **changes: Any) -> dict[str, Any]:
    """A valid body against a merchant of its own: `merchant_name` with a fresh USCC."""
    return complaint_body(merchant__uscc=fresh_uscc(), merchant__name=merchant_name, **changes)
