"""Succession: floors for models without a score (the newest scored predecessor in the model's
family), and the successors a retired model's card points to, up to a live one.

A model LMArena does not list at all may be judged at least as good as the newest model of its family
released before it that has a score, always labelled as such (Grok 4.7 from Grok 4.6 or 4.5, never from
grok-4-0709 while a newer Grok is scored). A model's own score always wins: it has no floor.

Families: a model's id read as a pattern around its version (`grok-4.7` is `grok-#` 4.7, `claude-opus-5`
is `claude-opus-#` 5, `gemini-3.8-flash` is `gemini-#-flash` 3.8, `kimi-k2.6` is `kimi-k#` 2.6), and a
pattern belongs to the curated family (data/catalog.toml `family`) of any curated model that has it, so
`claude-3.5-sonnet` and `claude-sonnet-4.5` are both Claude Sonnets. Within a family, a predecessor has
a lower version and, where both release dates are known, an earlier one; the newest (highest version,
then latest release) comes first. A curated `succeeds` chain is kept too, after them. Pure: the caller
passes the models, their release dates and the curated facts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

S = TypeVar("S")

_VERSION = re.compile(r"^([a-z]*)(\d+(?:\.\d+)*)$")  # `4.7`, `k2.6`, `qwen3.5`; never `120b` or `4o`


@dataclass(frozen=True)
class Floor(Generic[S]):
    """`score` is `model_id`'s: the newest predecessor with a score, `steps` places back in the line."""

    model_id: str
    score: S
    steps: int


@dataclass(frozen=True)
class Known:
    """What the family rule reads of a model."""

    id: str
    release_date: date | None = None
    family: str | None = None  # curated (data/catalog.toml)


def version_of(model_id: str) -> tuple[str, tuple[int, ...]] | None:
    """The id as a family pattern and a version: `grok-4.7` -> ("grok-#", (4, 7)); None if it has none."""
    parts = model_id.lower().split("-")
    for i, part in enumerate(parts):
        if found := _VERSION.match(part):
            prefix, number = found.groups()
            pattern = "-".join([*parts[:i], prefix + "#", *parts[i + 1 :]])
            return pattern, tuple(int(n) for n in number.split("."))
    return None


def lineages(models: Iterable[Known], succeeds: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each model's predecessors, newest first: its family's older members, then its curated chain."""
    models = list(models)
    versions = {m.id: v for m in models if (v := version_of(m.id)) is not None}
    families: dict[str, str] = {}  # pattern -> curated family
    for m in models:
        if m.family is not None and m.id in versions:
            families.setdefault(versions[m.id][0], m.family)
    released = {m.id: m.release_date for m in models}
    members: dict[str, list[str]] = defaultdict(list)
    family_of: dict[str, str] = {}
    for model_id, (pattern, _) in versions.items():
        family_of[model_id] = families.get(pattern, pattern)
        members[family_of[model_id]].append(model_id)
    out: dict[str, tuple[str, ...]] = {}
    for m in models:
        before: list[str] = []
        if m.id in versions:
            mine = versions[m.id][1]
            older = [
                o
                for o in members[family_of[m.id]]
                if versions[o][1] < mine and not _released_after(released.get(o), released.get(m.id))
            ]
            before = sorted(older, key=lambda o: (versions[o][1], released.get(o) or date.min), reverse=True)
        chain = [c for c in _chain(m.id, succeeds) if c not in before]
        if before or chain:
            out[m.id] = (*before, *chain)
    return out


def floor_for(
    model_id: str, scores: Mapping[str, S], predecessors: Mapping[str, tuple[str, ...]]
) -> Floor[S] | None:
    """The floor for a model without a score; None if it has its own score or no scored predecessor."""
    if model_id in scores:
        return None
    for steps, before in enumerate(predecessors.get(model_id, ()), start=1):
        if before in scores:
            return Floor(before, scores[before], steps)
    return None


def lineage(model_id: str, predecessors: Mapping[str, str]) -> list[str]:
    """The curated chain alone (`succeeds`), nearest first."""
    return _chain(model_id, predecessors)


def _chain(model_id: str, succeeds: Mapping[str, str]) -> list[str]:
    chain: list[str] = []
    step = succeeds.get(model_id)
    while step is not None and step not in chain and step != model_id:  # the overlay forbids cycles
        chain.append(step)
        step = succeeds.get(step)
    return chain


def _released_after(candidate: date | None, target: date | None) -> bool:
    return candidate is not None and target is not None and candidate > target


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
