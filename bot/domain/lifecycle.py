"""Lifecycle: whether an offering (and so a model) is active, deprecated or retired, and since when.

The facts come from several sources, each stored or read per offering (lifecycle stays per host: a
lab's dates apply to its own API; Amazon Bedrock and Google Cloud set their own):

- the labs' own deprecation pages, data/lifecycle.toml (`LabLifecycle`: retirement day, announcement,
  recommended replacement, and where a lab keeps answering a retired id with another model and bills
  it, that model): the authority where it speaks;
- LiteLLM's `deprecation_date` (the bundled extract, then the cross-check feed);
- genai-prices' `deprecated` flag (written by apply_upstream), and models.dev's `status`.

bot.store.lifecycle writes the retirement day on each offering (the lab's, else LiteLLM's). A status is
read against a day, not stored, so a deprecation date that passes turns into a retirement without
anyone rewriting the catalog:

- retired: a retirement day on or before the day asked; the offering's last price is still shown,
  marked, but alternatives, "cheapest host" and `list` skip it;
- deprecated: the provider says so (genai-prices), or a retirement day is coming (with its date);
- active: otherwise.

A model's status is its lab offering's: the lab decides when its API stops serving it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.config import DATA_DIR
from bot.contract.views import Status

LIFECYCLE_FILE = DATA_DIR / "lifecycle.toml"

Key = tuple[str, str]  # (genai-prices provider id, host model id)


def today() -> date:
    return datetime.now(UTC).date()


def status(deprecated: bool, retires_on: date | None, on: date) -> tuple[Status, date | None]:
    """The status on day `on`, and the day it dates from (the retirement day, past or coming)."""
    if retires_on is not None and retires_on <= on:
        return "retired", retires_on
    if retires_on is not None:
        return "deprecated", retires_on
    return ("deprecated" if deprecated else "active"), None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Retirement(_Strict):
    """One lab's announcement for some of its host model ids, with its source and the day it was read."""

    host: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    ids: list[str] = Field(min_length=1)
    announced: date | None = None
    retires: date
    replacement: str | None = None  # host model id at the same host
    redirect: str | None = None  # host model id that now answers the retired ids, billed at its price
    source: str = Field(pattern=r"^https://\S+$")
    checked: date
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Retirement:
        if self.announced is not None and self.announced > self.retires:
            raise ValueError(f"{self.host}:{self.ids[0]}: announced after it retires")
        for target in (self.replacement, self.redirect):
            if target is not None and target in self.ids:
                raise ValueError(f"{self.host}:{target}: a retired id cannot replace itself")
        return self


class LabLifecycle(_Strict):
    retirement: list[Retirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> LabLifecycle:
        keys = [(r.host, i) for r in self.retirement for i in r.ids]
        if dupes := sorted({f"{h}:{i}" for h, i in keys if keys.count((h, i)) > 1}):
            raise ValueError(f"host model ids named twice: {', '.join(dupes)}")
        return self

    @functools.cached_property
    def by_key(self) -> Mapping[Key, Retirement]:
        """Each (host, host model id) the labs speak for, and what they say of it."""
        return {(r.host, i): r for r in self.retirement for i in r.ids}


@functools.cache
def load_lab_lifecycle(path: Path = LIFECYCLE_FILE) -> LabLifecycle:
    with path.open("rb") as fh:
        return LabLifecycle.model_validate(tomllib.load(fh))


# ---- where the lifecycle sources disagree (the audit) ----------------------------------------------

LAB_PAGE, LITELLM, MODELS_DEV, GENAI_PRICES = "lab's page", "LiteLLM", "models.dev", "genai-prices"


@dataclass(frozen=True)
class Said:
    """What one source says of one offering's lifecycle, on a day."""

    source: str
    status: Status
    day: date | None  # the retirement day it gives (past or coming), if it gives one

    def text(self) -> str:
        if self.day is None:
            return self.status
        return f"{'retired' if self.status == 'retired' else 'retires'} {self.day.isoformat()}"


def sayings(
    on: date,
    *,
    lab: Retirement | None,
    litellm: date | None,
    modelsdev: str | None,
    modelsdev_as_of: date | None = None,
    genai_deprecated: bool,
) -> list[Said]:
    """What each source that speaks says. Silent: no lab entry, no LiteLLM date, not at models.dev
    (`modelsdev` is its status: "deprecated", "active" when listed without one, None when not listed),
    genai-prices' flag unset (it is never set to say "active"), and a models.dev "active" from before
    the lab announced the deprecation (models.dev as of `modelsdev_as_of` could not know)."""
    if (
        modelsdev == "active"
        and lab is not None
        and lab.announced is not None
        and modelsdev_as_of is not None
        and modelsdev_as_of < lab.announced
    ):
        modelsdev = None
    out: list[Said] = []
    if lab is not None:
        out.append(Said(LAB_PAGE, *status(False, lab.retires, on)))
    if litellm is not None:
        out.append(Said(LITELLM, *status(False, litellm, on)))
    if modelsdev is not None:
        out.append(Said(MODELS_DEV, "deprecated" if modelsdev == "deprecated" else "active", None))
    if genai_deprecated:
        out.append(Said(GENAI_PRICES, "deprecated", None))
    return out


def disagree(said: list[Said]) -> bool:
    """Sources disagree when two give different retirement days, or one says active while another says
    deprecated or retired. A dateless "deprecated" agrees with any retirement day."""
    days = {s.day for s in said if s.day is not None}
    states = {s.status for s in said}
    return len(days) > 1 or ("active" in states and len(states) > 1)
