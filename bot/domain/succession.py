"""Floors for models without a score yet: the nearest scored predecessor in the model's family.

Claude Sonnet 5.5 succeeds Claude Sonnet 4.5 (data/catalog.toml `succeeds`); with no score of its own it
may be judged at least as good as Sonnet 4.5, always labelled as such. A model's own score always wins:
it has no floor. Pure: the caller passes the predecessors (Overlay.predecessors) and the scores it has
(any score type: an int, a Rating, a category's scores).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S")


@dataclass(frozen=True)
class Floor(Generic[S]):
    """`score` is `model_id`'s: the nearest predecessor with a score, `steps` generations back."""

    model_id: str
    score: S
    steps: int


def lineage(model_id: str, predecessors: Mapping[str, str]) -> list[str]:
    """The model's predecessors, nearest first (`claude-sonnet-5.5` -> [claude-sonnet-4.5, ...])."""
    chain: list[str] = []
    step = predecessors.get(model_id)
    while step is not None and step not in chain and step != model_id:  # the overlay forbids cycles
        chain.append(step)
        step = predecessors.get(step)
    return chain


def floor_for(model_id: str, scores: Mapping[str, S], predecessors: Mapping[str, str]) -> Floor[S] | None:
    """The floor for a model without a score; None if it has its own score or no scored predecessor."""
    if model_id in scores:
        return None
    for steps, before in enumerate(lineage(model_id, predecessors), start=1):
        if before in scores:
            return Floor(before, scores[before], steps)
    return None
