"""The names of the draw methods and of the unclassified stratum: read by the task parameters, the
views and the documents, which need them without numpy (start-up); the methods are strategies.py."""

from __future__ import annotations

STRATIFIED = "stratified"
WEIGHTED = "weighted"
UNCLASSIFIED = "未分类"
"""How the empty class (an entity not yet classified) is written in parameters and reports."""


def class_label(klass: str) -> str:
    return klass or UNCLASSIFIED
