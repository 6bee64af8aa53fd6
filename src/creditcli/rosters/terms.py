"""Roster vocabulary other layers test against (kept free of heavy imports)."""

ACTIVE = "存续"
"""登记状态 of an entity in business: the only one drawable by default (domain.md §2)."""
