"""Lifecycle: whether an offering (and so a model) is active, deprecated or retired, and since when.

The facts come from the sources and are stored on each offering: genai-prices' `deprecated` flag
(written by apply_upstream) and LiteLLM's `deprecation_date` (the bundled extract, applied here). A
status is read against a day, not stored, so a deprecation date that passes turns into a retirement
without anyone rewriting the catalog:

- retired: a retirement day on or before the day asked; the offering's last price is still shown,
  marked, but alternatives, "cheapest host" and `list` skip it;
- deprecated: the provider says so (genai-prices), or a retirement day is coming (with its date);
- active: otherwise.

A model's status is its lab offering's: the lab decides when its API stops serving it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.contract.views import Status

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from bot.catalog.crosscheck import Facts, Key

# The functions that read or write offerings import the ORM when called: `today` and `status` are
# read on every question, and a cold `modelcost ask` answering from a kept snapshot loads no ORM.


def today() -> date:
    return datetime.now(UTC).date()


def status(deprecated: bool, retires_on: date | None, on: date) -> tuple[Status, date | None]:
    """The status on day `on`, and the day it dates from (the retirement day, past or coming)."""
    if retires_on is not None and retires_on <= on:
        return "retired", retires_on
    if retires_on is not None:
        return "deprecated", retires_on
    return ("deprecated" if deprecated else "active"), None


def live(on: date) -> ColumnElement[bool]:
    """SQL: the offering is not retired on day `on` (and not gone from the feed)."""
    from sqlalchemy import and_, or_

    from bot.catalog.models import Offering

    return and_(Offering.retired_at.is_(None), or_(Offering.retires_on.is_(None), Offering.retires_on > on))


def retired_models(session: Session, on: date) -> set[str]:
    """Models whose lab has retired them: every offering at the model's lab API is retired on `on`."""
    from sqlalchemy import select

    from bot.catalog.models import Model, Offering

    rows = session.execute(
        select(Offering.model_id, Offering.retires_on)
        .join(Model, Offering.model_id == Model.id)
        .where(Offering.provider_id == Model.lab_provider_id, Offering.retired_at.is_(None))
    ).all()
    seen: dict[str, bool] = {}
    for model_id, retires_on in rows:
        if model_id is None:
            continue
        gone = retires_on is not None and retires_on <= on
        seen[model_id] = seen.get(model_id, True) and gone
    return {m for m, gone in seen.items() if gone}


def apply_facts(session: Session, facts: Mapping[Key, Facts]) -> int:
    """Store a second source's retirement days and input limits on the offerings it describes;
    returns how many offerings changed. Offerings it does not describe are left as they are."""
    from sqlalchemy import select

    from bot.catalog.models import Offering

    changed = 0
    for offering in session.scalars(select(Offering)):
        f = facts.get((offering.provider_id, offering.provider_model_id))
        if f is None:
            continue
        if (offering.retires_on, offering.max_input_tokens) != (f.deprecation_date, f.max_input_tokens):
            offering.retires_on, offering.max_input_tokens = f.deprecation_date, f.max_input_tokens
            changed += 1
    session.flush()
    return changed
