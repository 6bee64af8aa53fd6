"""Inspection results (domain.md §6): the vocabulary, recording, history and task states."""
