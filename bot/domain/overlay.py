"""The project's curated overlay, data/catalog.toml: canonical models with lab, open weights,
licence, LMArena score and keys, aliases, family and predecessor, which provider model ids are the same
model, and the family names users type alone (`claude`). Validated strictly."""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config import DATA_DIR
from bot.domain.names import normalise

CATALOG_FILE = DATA_DIR / "catalog.toml"
_SLUG = r"^[a-z0-9][a-z0-9.\-]*$"
_OFFERING = re.compile(r"^[A-Za-z0-9_.\-]+:.+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lab(_Strict):
    provider: str = Field(min_length=1)
    name: str = Field(min_length=1)


class CuratedModel(_Strict):
    id: str = Field(pattern=_SLUG, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    lab: str = Field(min_length=1)
    open_weights: bool
    license: str = Field(min_length=1)
    release_date: date | None = None
    arena_key: str | None = None  # the model's key on LMArena's leaderboard, where curated
    arena_keys: list[str] = []  # further leaderboard keys that are this model's own score
    arena_variants: dict[str, str] = {}  # leaderboard key -> variant (`thinking-32k`, `high`)
    family: str | None = Field(default=None, pattern=_SLUG)  # a line of releases: `claude-sonnet`
    succeeds: str | None = None  # the previous model of the family, whose score is a floor for this one
    successor: str | None = None  # the model to point to once this one is retired
    aliases: list[str] = []
    offerings: list[str] = Field(min_length=1)
    imported: list[str] = []  # offerings genai-prices copied from another host under the lab's name

    @model_validator(mode="after")
    def _check(self) -> CuratedModel:
        for variant in self.arena_variants.values():
            if not re.match(_SLUG, variant):
                raise ValueError(f"{self.id}: variant {variant!r} is not a lowercase slug")
        if self.succeeds is not None and self.family is None:
            raise ValueError(f"{self.id}: succeeds needs a family")
        if self.succeeds == self.id:
            raise ValueError(f"{self.id}: a model cannot succeed itself")
        for o in self.offerings:
            if not _OFFERING.match(o):
                raise ValueError(f"{self.id}: offering {o!r} is not 'provider:model-id'")
        if stray := [o for o in self.imported if o not in self.offerings]:
            raise ValueError(f"{self.id}: imported {stray} are not among its offerings")
        if self.successor == self.id:
            raise ValueError(f"{self.id}: a model cannot be its own successor")
        return self

    def offering_keys(self) -> list[tuple[str, str]]:
        return [(p, m) for p, _, m in (o.partition(":") for o in self.offerings)]

    def all_arena_keys(self) -> list[str]:
        return [k for k in (self.arena_key, *self.arena_keys, *self.arena_variants) if k]


class Family(_Strict):
    """A name users type alone (`claude`): the lab's current flagship of it, and its members to offer."""

    name: str = Field(pattern=_SLUG, max_length=50)
    label: str = Field(min_length=1)
    lab: str = Field(min_length=1)
    flagship: str
    members: list[str] = Field(min_length=1)


class SourcedAlias(_Strict):
    """A name no rule derives for a model made from the sources, with the reason it means that model."""

    name: str = Field(min_length=1, max_length=100)
    model: str = Field(pattern=_SLUG, max_length=200)
    reason: str = Field(min_length=10)


class Overlay(_Strict):
    lab: list[Lab]
    model: list[CuratedModel]
    family: list[Family] = []
    alias: list[SourcedAlias] = []

    @model_validator(mode="after")
    def _unique(self) -> Overlay:
        ids = [m.id for m in self.model]
        _no_dupes("model id", ids)
        _no_dupes("offering", [o for m in self.model for o in m.offerings])
        _no_dupes("arena key", [k for m in self.model for k in m.all_arena_keys()])
        names = [normalise(a) for m in self.model for a in m.aliases] + [
            normalise(a.name) for a in self.alias
        ]
        _no_dupes("alias", names)
        clash = set(names) & {normalise(i) for i in ids}
        if clash:
            raise ValueError(f"aliases equal to a model id: {sorted(clash)}")
        self._check_succession()
        self._check_families()
        return self

    def _check_succession(self) -> None:
        by_id = {m.id: m for m in self.model}
        for m in self.model:
            if m.successor is not None and m.successor not in by_id:
                raise ValueError(f"{m.id}: successor {m.successor!r} is not a model")
        for m in self.model:
            if m.succeeds is None:
                continue
            before = by_id.get(m.succeeds)
            if before is None:
                raise ValueError(f"{m.id} succeeds {m.succeeds!r}, which is not a model")
            if before.lab != m.lab or before.family != m.family:
                raise ValueError(
                    f"{m.id} ({m.lab}, {m.family}) succeeds {before.id} ({before.lab}, {before.family}): "
                    "succession stays within a lab's family"
                )
        for m in self.model:
            seen = [m.id]
            step = m.succeeds
            while step is not None:
                if step in seen:
                    raise ValueError(f"succession cycle: {' -> '.join([*seen, step])}")
                seen.append(step)
                step = by_id[step].succeeds

    def _check_families(self) -> None:
        by_id = {m.id: m for m in self.model}
        _no_dupes("family name", [f.name for f in self.family])
        alias_of = {normalise(a): m.id for m in self.model for a in m.aliases}
        for f in self.family:
            missing = [i for i in f.members if i not in by_id]
            if missing:
                raise ValueError(f"family {f.name}: members {missing} are not models")
            if f.flagship not in f.members:
                raise ValueError(f"family {f.name}: flagship {f.flagship!r} is not one of its members")
            other_lab = [i for i in f.members if by_id[i].lab != f.lab]
            if other_lab:
                raise ValueError(f"family {f.name} ({f.lab}): members {other_lab} are another lab's")
            if normalise(f.name) in by_id:
                raise ValueError(f"family name {f.name!r} is a model id")
            owner = alias_of.get(normalise(f.name))
            if owner is not None and owner != f.flagship:
                raise ValueError(
                    f"family name {f.name!r} is an alias of {owner}, not of its flagship {f.flagship}"
                )

    @property
    def lab_providers(self) -> dict[str, str]:
        """Every API of a lab: provider id -> the lab's name."""
        return {lab.provider: lab.name for lab in self.lab}

    @property
    def lab_api_of(self) -> dict[str, str]:
        """Lab name -> its lab API: the first [[lab]] of that name (Z.ai -> zai, not zhipuai)."""
        out: dict[str, str] = {}
        for lab in self.lab:
            out.setdefault(lab.name, lab.provider)
        return out

    @property
    def imported(self) -> set[tuple[str, str]]:
        """(provider, model id) of offerings genai-prices copied from another host under a lab's name."""
        return {key for m in self.model for key in m.offering_keys() if f"{key[0]}:{key[1]}" in m.imported}

    @property
    def predecessors(self) -> dict[str, str]:
        """Model id -> the id of the model it succeeds."""
        return {m.id: m.succeeds for m in self.model if m.succeeds is not None}

    def family_named(self, name: str) -> Family | None:
        """The family users mean by `name` alone (`Claude`, `gpt`), or None."""
        return next((f for f in self.family if f.name == normalise(name)), None)


def _no_dupes(what: str, values: list[str]) -> None:
    dupes = sorted(v for v, n in Counter(values).items() if n > 1)
    if dupes:
        raise ValueError(f"duplicate {what}: {', '.join(dupes[:10])}")


@functools.cache
def load_overlay(path: Path = CATALOG_FILE) -> Overlay:
    with path.open("rb") as fh:
        return Overlay.model_validate(tomllib.load(fh))
