"""The cluster and product-testing rules as tables: which clusters raise or grow an alert, the window,
and who pays for a test."""

from __future__ import annotations

from datetime import date

import pytest

from domain import clusters, product_testing


def test_cluster_steps_table() -> None:
    policy = clusters.ClusterPolicy(threshold=3, window_days=90)
    c = clusters.ClusterCandidate
    steps = clusters.cluster_steps(
        [
            c(1, "food", (1, 2)),  # below the threshold
            c(2, "food", (1, 2, 3)),  # new
            c(3, "food", (1, 2, 3), 9, (1, 2, 3), True),  # open, unchanged
            c(4, "food", (1, 2, 3, 4), 9, (1, 2, 3), True),  # open, grown
            c(5, "food", (2, 3, 4), 9, (1, 2, 3, 4), False),  # decided, not grown (one aged out)
            c(6, "food", (2, 3, 4, 5), 9, (1, 2, 3, 4), False),  # decided, grown
        ],
        policy,
    )
    assert [(s.kind, s.candidate.merchant_id, s.new_case_ids) for s in steps] == [
        ("raise", 2, (1, 2, 3)),
        ("grow", 4, (4,)),
        ("raise", 6, (2, 3, 4, 5)),
    ]


def test_the_window_ends_today() -> None:
    assert clusters.cluster_window(clusters.ClusterPolicy(5, 90), date(2026, 5, 1)) == (
        date(2026, 2, 1),
        date(2026, 5, 1),
    )


@pytest.mark.parametrize(
    ("at_fault", "payer"), [("merchant", "merchant"), ("consumer", "consumer"), ("none", "as_agreed")]
)
def test_the_party_at_fault_pays_for_the_test(at_fault: str, payer: str) -> None:
    assert product_testing.fee_payer(at_fault) == payer
