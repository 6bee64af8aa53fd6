"""Credit tools (domain.md §9): penalty publicity, the two lists and credit repair, by one rules file."""
