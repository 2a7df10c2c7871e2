"""A model's history, newest first: every dated price row at each host and every score change (the
`history` command; the read model does not keep these).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.answers import HistoryAnswer
from bot.contract.views import HistoryEntry, ScoreEntry
from bot.domain.categories import CATEGORIES
from bot.domain.prices import PRICE_KEYS, PriceData, pct_change
from bot.domain.scores import TEAM
from bot.domain.workspaces import SHARED
from bot.store.names import name_index
from bot.store.prices import price_data
from bot.store.tables import Change, Model, Offering, Price, Provider, Score

HISTORY_LIMIT = 25


def history(
    session: Session, name: str, limit: int = HISTORY_LIMIT, workspace: str = SHARED
) -> HistoryAnswer:
    """A model's price changes at every host, newest first: old -> new, and who made each. A workspace
    sees the shared catalog's changes and its own, never another workspace's: its own change is from
    the price it saw (its previous one, else the shared one of the time)."""
    model = session.get_one(Model, name_index(session, workspace).resolve(name))
    rows = session.execute(
        select(Price, Provider.name)
        .join(Offering, Price.offering_id == Offering.id)
        .join(Provider)
        .where(Offering.model_id == model.id, Price.workspace.in_(sorted({SHARED, workspace})))
        .order_by(Price.offering_id, Price.id)
    ).all()
    entries: list[tuple[int, HistoryEntry]] = []
    shared: dict[int, PriceData] = {}
    own: dict[int, PriceData] = {}
    for row, provider_name in rows:
        new = price_data(row)
        chain = own if row.workspace != SHARED else shared
        old = chain.get(row.offering_id, shared.get(row.offering_id))
        chain[row.offering_id] = new
        entries.append(
            (
                row.id,
                HistoryEntry(
                    at=row.recorded_at,
                    provider_name=provider_name,
                    old=old.values() if old else None,
                    new=new.values(),
                    pct={k: pct_change(getattr(old, k, None), getattr(new, k)) for k in PRICE_KEYS},
                    actor=row.source,
                ),
            )
        )
    entries.sort(key=lambda e: (e[1].at, e[0]), reverse=True)
    return HistoryAnswer(
        model_id=model.id,
        model_name=model.name,
        entries=[e for _, e in entries[:limit]],
        more=max(0, len(entries) - limit),
        scores=score_history(session, model.id, workspace)[:limit],
    )


def score_history(session: Session, model_id: str, workspace: str = SHARED) -> list[ScoreEntry]:
    """The model's score changes, newest first: every team row (the shared catalog's and the
    workspace's), and each leaderboard move after the first score (the first is where the history
    starts, not a change)."""
    labels = {c.name: c.label for c in CATEGORIES}
    rows = session.execute(
        select(Score, Change)
        .join(Change, Score.change_id == Change.id)
        .where(
            Score.model_id == model_id,
            Score.variant == "",
            Score.workspace.in_(sorted({SHARED, workspace})),
        )
        .order_by(Score.id)
    ).all()
    previous: dict[tuple[str, str], int | None] = {}
    out: list[ScoreEntry] = []
    for row, change in rows:
        key = (row.category, row.origin)
        if row.origin == TEAM or key in previous:
            out.append(
                ScoreEntry(
                    at=row.recorded_at,
                    category_label=labels.get(row.category, row.category),
                    old=previous.get(key),
                    new=row.score,
                    team=row.origin == TEAM,
                    actor=change.actor,
                )
            )
        previous[key] = row.score
    return out[::-1]
