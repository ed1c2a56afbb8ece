"""Issue 13, attack 2 (second half): the tracking throttle checked, then counted. 40 parallel guesses had
10 evaluated against a limit of 5. Now each attempt is counted first, in one atomic Redis step, and
checked against the count it made: exactly `limit` guesses are evaluated, however many overlap."""

from __future__ import annotations

import asyncio
from collections import Counter

from service.settings import Settings
from tests.support.consumer import file_complaint
from tests.support.live import held_at_barrier, live_app, new_address

PARALLEL = 40
LIMIT = 5


async def test_parallel_guesses_from_one_client_evaluate_exactly_the_limit(settings: Settings) -> None:
    async with live_app(settings, track_max_failures_per_client=LIMIT) as live:
        guesser = live.at(new_address(), held_at_barrier(live.app, PARALLEL))
        # a made-up number each, so that only the per-client limit is in play
        answers = await asyncio.gather(
            *(
                guesser.get(f"/api/v1/complaints/GS20200101-{n:06d}", headers={"X-Access-Code": "WRONG999"})
                for n in range(PARALLEL)
            )
        )
        statuses = Counter(a.status_code for a in answers)
        assert statuses == {404: LIMIT, 429: PARALLEL - LIMIT}, statuses
        assert all(int(a.headers["retry-after"]) > 0 for a in answers if a.status_code == 429)


async def test_right_codes_give_their_count_back(settings: Settings) -> None:
    """A view with the right code is counted first too, and given back once the code matched: a
    consumer who opens the case again and again is never refused. (Attempts in flight do count: more
    than the limit at the same instant from one address is a script, not a person.)"""
    async with live_app(settings, track_max_failures_per_client=LIMIT) as live:
        owner = live.at(new_address())
        case = await file_complaint(owner)
        url = f"/api/v1/complaints/{case['tracking_no']}"
        views = [
            await owner.get(url, headers={"X-Access-Code": case["access_code"]}) for _ in range(3 * LIMIT)
        ]
        assert [v.status_code for v in views] == [200] * (3 * LIMIT)
        # and the failures still count after them: LIMIT wrong guesses, then this client is refused
        for n in range(LIMIT):
            wrong = await owner.get(
                f"/api/v1/complaints/GS20200101-{n:06d}", headers={"X-Access-Code": "WRONG999"}
            )
            assert wrong.status_code == 404
        refused = await owner.get(url, headers={"X-Access-Code": case["access_code"]})
        assert refused.status_code == 429
