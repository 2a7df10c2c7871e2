"""Lifecycle facts in the catalog: which models their lab has retired, and the retirement days stored
on the offerings, the labs' own (data/lifecycle.toml) before a second source's (the rules are
bot.domain.lifecycle's).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.crosscheck import Facts, Key
from bot.domain.lifecycle import Retirement, load_lab_lifecycle
from bot.store.tables import Model, Offering


def retired_models(session: Session, on: date) -> set[str]:
    """Models whose lab has retired them: every offering at the model's lab API is retired on `on`."""
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


def retired_by(session: Session, on: date) -> tuple[date, ...]:
    """The retirement days stored on offerings that are on or before `on`: all a read model takes of
    the day (bot.read.builder compares each offering's day with it)."""
    return tuple(
        session.scalars(
            select(Offering.retires_on)
            .where(Offering.retires_on <= on)
            .distinct()
            .order_by(Offering.retires_on)
        )
    )


def apply_facts(
    session: Session, facts: Mapping[Key, Facts], lab: Mapping[Key, Retirement] | None = None
) -> int:
    """Store the retirement days and input limits on the offerings: a lab's own page's day where it
    speaks (`lab`, default data/lifecycle.toml), else the second source's; returns how many offerings
    changed. Offerings neither describes are left as they are."""
    said = load_lab_lifecycle().by_key if lab is None else lab
    changed = 0
    for offering in session.scalars(select(Offering)):
        key = (offering.provider_id, offering.provider_model_id)
        f, own = facts.get(key), said.get(key)
        if f is None and own is None:
            continue
        retires = own.retires if own is not None else f.deprecation_date if f is not None else None
        limit = f.max_input_tokens if f is not None else offering.max_input_tokens
        if (offering.retires_on, offering.max_input_tokens) != (retires, limit):
            offering.retires_on, offering.max_input_tokens = retires, limit
            changed += 1
    session.flush()
    return changed
