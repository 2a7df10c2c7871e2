"""Succession: floors for models without a score yet (the nearest scored predecessor in the model's
family), and the successors a retired model's card points to, up to a live one.

Claude Sonnet 5.5 succeeds Claude Sonnet 4.5 (data/catalog.toml `succeeds`); with no score of its own it
may be judged at least as good as Sonnet 4.5, always labelled as such. A model's own score always wins:
it has no floor. Pure: the caller passes the predecessors (Overlay.predecessors) and the scores it has
(any score type: an int, a Rating, a category's scores).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date
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


def successor_chain(model_id: str, successors: Mapping[str, str], retired: Container[str]) -> list[str]:
    """The models a retired (or retiring) model's lab points to, step by step, up to the first that is
    not retired: o1 -> [gpt-5.6-sol]; claude-3.7-sonnet -> [claude-sonnet-4.5, claude-sonnet-4.6]. The
    last is retired only when the chain runs out; empty when the model has no successor."""
    chain: list[str] = []
    step = successors.get(model_id)
    while step is not None and step not in chain and step != model_id:
        chain.append(step)
        if step not in retired:
            break
        step = successors.get(step)
    return chain


def successors_of(
    named: Mapping[str, str],
    predecessors: Mapping[str, str],
    release: Mapping[str, date | None],
    retired: Container[str],
) -> dict[str, str]:
    """Each model's successor: the one named for it (its lab's recommended replacement, else the
    catalog's `successor`); for a retired model without one, the newest model of its family that
    succeeds it (`succeeds`), so that a chain of successors reaches a live model."""
    out = dict(named)
    followers: dict[str, list[str]] = {}
    for model_id, before in predecessors.items():
        followers.setdefault(before, []).append(model_id)
    for before, after in followers.items():
        if before not in out and before in retired:
            out[before] = max(after, key=lambda m: (release.get(m) or date.min, m))
    return out
