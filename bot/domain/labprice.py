"""The lab's own price, honestly: whether a row genai-prices lists at a lab's API is the lab's own price.

genai-prices sometimes fills a lab's provider with another host's row under the lab's name (gpt-oss-120b
"at OpenAI" for $0.039 / $0.18 is OpenRouter's price; OpenAI does not sell it). A rule from evidence
decides, for each row at a lab's API (pure: the caller passes what each source says):

1. a decision in data/labprices.toml (or data/catalog.toml's `imported`), with its reason, wins;
2. own: a second source (LiteLLM, models.dev's list for that lab) lists the lab selling the model at
   this price (input and output within 1%);
3. imported: otherwise, when the second sources show the lab selling it at another price and another
   host lists the model at this very price (input and output within 1%: the row is that host's price),
   or when the model has open weights and the lab's list at models.dev (from after the model's release)
   leaves it out (labs of open models often sell none of it: gpt-oss-120b is sold by others, not OpenAI).
   A closed model's row at its lab is the lab's unless a second source says another price: only the lab
   sells it, and resellers charge the lab's price (OpenRouter's grok-3 is xAI's $3 / $15);
4. unconfirmed: otherwise. Still shown as the lab's; flagged in `audit` when it also differs from what a
   second source or the model's other hosts list.

An imported row is never the lab's API, a cheapest host or an alternative's price: the card falls back to
the cheapest real host and says what the row is.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.config import DATA_DIR

DECISIONS_FILE = DATA_DIR / "labprices.toml"
TOLERANCE = Decimal("0.01")

Verdict = Literal["own", "imported", "unconfirmed"]


@dataclass(frozen=True)
class Quote:
    """A price for the model: a second source's for the lab (`who`: LiteLLM, models.dev), or another
    host's listing (`who`: the host's name)."""

    who: str
    input_mtok: Decimal
    output_mtok: Decimal


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str
    copied_from: str | None = None  # the host whose price an imported row is
    # Flagged in `audit`: unconfirmed, and unlike what a second source or the model's other hosts list.
    flagged: bool = False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Decision(_Strict):
    offering: str = Field(pattern=r"^[A-Za-z0-9_.\-]+:.+$")  # "provider:model id" at a lab's API
    verdict: Literal["own", "imported"]
    reason: str = Field(min_length=10)
    checked: date


class Decisions(_Strict):
    decision: list[Decision] = []

    @functools.cached_property
    def by_key(self) -> Mapping[tuple[str, str], Decision]:
        return {tuple(d.offering.split(":", 1)): d for d in self.decision}  # type: ignore[misc]


@functools.cache
def load_decisions(path: Path = DECISIONS_FILE) -> Decisions:
    with path.open("rb") as fh:
        return Decisions.model_validate(tomllib.load(fh))


def same(a: Quote, input_mtok: Decimal, output_mtok: Decimal) -> bool:
    """Within 1% of the larger on input and on output."""
    return _close(a.input_mtok, input_mtok) and _close(a.output_mtok, output_mtok)


def _close(a: Decimal, b: Decimal) -> bool:
    top = max(abs(a), abs(b))
    return top == 0 or abs(a - b) <= TOLERANCE * top


def _usd(value: Decimal) -> str:
    return f"${value.normalize():f}"


def judge(
    lab: str,
    input_mtok: Decimal,
    output_mtok: Decimal,
    *,
    second: Sequence[Quote],
    omitted_by: str | None,
    others: Sequence[Quote],
    decided: Decision | None = None,
) -> Judgement:
    """The verdict on a row at `lab`'s API priced `input_mtok` / `output_mtok`. `second`: what second
    sources list the lab selling this model at; `omitted_by`: a second source whose list of the lab's
    models (dated after the model's release) leaves it out; `others`: the model's listings at other hosts."""
    price = f"{_usd(input_mtok)} / {_usd(output_mtok)}"
    if decided is not None:
        return Judgement(decided.verdict, decided.reason)
    for q in second:
        if same(q, input_mtok, output_mtok):
            return Judgement("own", f"{q.who} lists {lab} at {price}")
    copied = next((q for q in others if same(q, input_mtok, output_mtok)), None)
    if omitted_by is not None and not second:
        said = (
            f"{omitted_by}'s list of {lab}'s models leaves it out and no second source shows {lab} selling it"
        )
        if copied is not None:
            return Judgement("imported", f"{price} is {copied.who}'s price; {said}", copied_from=copied.who)
        return Judgement("imported", f"{said}; {price} is no second source's price for {lab}")
    if copied is not None and second:
        said = "; ".join(
            f"{q.who} lists {lab} at {_usd(q.input_mtok)} / {_usd(q.output_mtok)}" for q in second
        )
        return Judgement("imported", f"{price} is {copied.who}'s price; {said}", copied_from=copied.who)
    if second:
        theirs = "; ".join(f"{q.who} lists {_usd(q.input_mtok)} / {_usd(q.output_mtok)}" for q in second)
        return Judgement("unconfirmed", f"no second source lists {lab} at {price} ({theirs})", flagged=True)
    if copied is not None:
        return Judgement(
            "unconfirmed", f"{price} is also {copied.who}'s price; no second source lists {lab}'s"
        )
    if others:
        theirs = ", ".join(f"{q.who} {_usd(q.input_mtok)} / {_usd(q.output_mtok)}" for q in others[:3])
        return Judgement(
            "unconfirmed", f"no second source lists {lab} at {price}; other hosts list {theirs}", flagged=True
        )
    return Judgement("unconfirmed", f"no second source lists {lab} at {price}, nor does any other host")
