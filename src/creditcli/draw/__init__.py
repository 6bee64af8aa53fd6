"""Reproducible, publicly verifiable draws (domain.md §8)."""
