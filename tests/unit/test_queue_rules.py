"""Which queue a case joins (domain.queues): pure rules, no database."""

from __future__ import annotations

from domain.queues import QueueRule, choose_queue


def test_without_a_match_a_case_goes_to_general() -> None:
    assert choose_queue([QueueRule("north", frozenset({"banshan"}), None, 1)], "wulin", "food") == "general"
