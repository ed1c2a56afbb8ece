"""The outside world: notification channels, evidence files on disk, Redis counters, spreadsheets.

Adapters know the domain's values and the settings only (tests/unit/test_architecture.py).
"""
