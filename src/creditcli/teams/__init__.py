"""Inspector teams: random matching of officers to drawn entities under avoidance rules (domain.md §4)."""
