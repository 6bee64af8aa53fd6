"""The names of the draw methods and of the unclassified stratum: read by the task parameters, the
views and the documents, which need them without numpy (start-up); the methods are strategies.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STRATIFIED = "stratified"
WEIGHTED = "weighted"
UNCLASSIFIED = "未分类"
"""How the empty class (an entity not yet classified) is written in parameters and reports."""


def class_label(klass: str) -> str:
    return klass or UNCLASSIFIED


def draw_parameters(
    mode: str,
    ratios: Mapping[str, Any],
    minimum: Mapping[str, int],
    maximum: Mapping[str, int],
    count: int | None,
    weights: Mapping[str, Any],
) -> dict[str, Any]:
    """The parameters the draw algorithm reads, as canonical JSON-ready values (ratios and weights as
    their decimal text): from a task's parameters (``TaskSpec.draw_parameters``) or its stored JSON."""
    if mode == WEIGHTED:
        return {"count": count, "weights": {k: str(v) for k, v in sorted(weights.items())}}
    return {
        "ratios": {k: str(v) for k, v in sorted(ratios.items())},
        "minimum": dict(sorted(minimum.items())),
        "maximum": dict(sorted(maximum.items())),
    }
