"""Host display names, data/hosts.toml: genai-prices provider id -> the name people recognise.

Ids stay upstream's everywhere (database, JSON, alerts); only what a reader sees uses these names.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config import DATA_DIR

HOSTS_FILE = DATA_DIR / "hosts.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Host(_Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    name: str = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _trimmed(self) -> Host:
        if self.name != self.name.strip():
            raise ValueError(f"host {self.id}: name {self.name!r} has leading or trailing spaces")
        return self


class Hosts(_Strict):
    host: list[Host] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Hosts:
        for what, values in (("id", [h.id for h in self.host]), ("name", [h.name for h in self.host])):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"duplicate host {what}: {', '.join(dupes)}")
        return self

    @functools.cached_property
    def names(self) -> dict[str, str]:
        return {h.id: h.name for h in self.host}


@functools.cache
def load_hosts(path: Path = HOSTS_FILE) -> Hosts:
    with path.open("rb") as fh:
        return Hosts.model_validate(tomllib.load(fh))


def display_name(provider_id: str, fallback: str | None = None) -> str:
    """The name to show for a host: the curated one, else `fallback` (upstream's name), else the id."""
    return load_hosts().names.get(provider_id) or fallback or provider_id
