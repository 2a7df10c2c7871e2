"""The project's curated overlay, data/catalog.toml: canonical models with lab, open weights,
licence, LMArena score, aliases, and which provider model ids are the same model. Validated strictly."""

from __future__ import annotations

import functools
import re
import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config import DATA_DIR

CATALOG_FILE = DATA_DIR / "catalog.toml"
_SLUG = r"^[a-z0-9][a-z0-9.\-]*$"
_OFFERING = re.compile(r"^[A-Za-z0-9_.\-]+:.+$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quality(_Strict):
    source: str
    date: date


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
    arena_score: int | None = Field(default=None, ge=800, le=2000)
    arena_key: str | None = None
    aliases: list[str] = []
    offerings: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CuratedModel:
        if (self.arena_score is None) != (self.arena_key is None):
            raise ValueError(f"{self.id}: arena_score and arena_key go together")
        for o in self.offerings:
            if not _OFFERING.match(o):
                raise ValueError(f"{self.id}: offering {o!r} is not 'provider:model-id'")
        return self

    def offering_keys(self) -> list[tuple[str, str]]:
        return [(p, m) for p, _, m in (o.partition(":") for o in self.offerings)]


class Overlay(_Strict):
    quality: Quality
    lab: list[Lab]
    model: list[CuratedModel]

    @model_validator(mode="after")
    def _unique(self) -> Overlay:
        from bot.catalog.lookup import normalise

        ids = [m.id for m in self.model]
        _no_dupes("model id", ids)
        _no_dupes("offering", [o for m in self.model for o in m.offerings])
        names = [normalise(a) for m in self.model for a in m.aliases]
        _no_dupes("alias", names)
        clash = set(names) & {normalise(i) for i in ids}
        if clash:
            raise ValueError(f"aliases equal to a model id: {sorted(clash)}")
        return self

    @property
    def lab_providers(self) -> dict[str, str]:
        return {lab.provider: lab.name for lab in self.lab}


def _no_dupes(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    dupes = sorted({v for v in values if v in seen or seen.add(v)})  # type: ignore[func-returns-value]
    if dupes:
        raise ValueError(f"duplicate {what}: {', '.join(dupes[:10])}")


@functools.cache
def load_overlay(path: Path = CATALOG_FILE) -> Overlay:
    with path.open("rb") as fh:
        return Overlay.model_validate(tomllib.load(fh))
