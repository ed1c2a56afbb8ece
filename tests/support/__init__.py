"""Helpers shared by the test folders (clock, clients, factories)."""
