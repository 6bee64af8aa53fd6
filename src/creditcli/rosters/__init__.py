"""Rosters: entities, inspectors, items and conflicts — import, query, export."""
