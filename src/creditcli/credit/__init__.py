"""Credit tools (domain.md §9): penalty publicity by the rules; lists, repair and classification follow."""
