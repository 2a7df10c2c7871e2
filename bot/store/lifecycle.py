"""Lifecycle facts in the catalog: which models their lab has retired, and a second source's
retirement days stored on the offerings (the rules are bot.domain.lifecycle's).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.crosscheck import Facts, Key
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


def apply_facts(session: Session, facts: Mapping[Key, Facts]) -> int:
    """Store a second source's retirement days and input limits on the offerings it describes;
    returns how many offerings changed. Offerings it does not describe are left as they are."""
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
