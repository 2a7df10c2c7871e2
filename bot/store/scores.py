"""Quality scores in the catalog: reading the newest score rows of each model per category, writing new
scores from a leaderboard (only what changed, as new dated rows), and a team's own score. The rules
(whose score wins, floors from a predecessor) are bot.domain.scores'; "comparable quality" is
bot.domain.comparable's.

Callers own the transaction, as for prices (bot.store.prices).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.answers import ScoreAnswer
from bot.contract.views import QualityView
from bot.domain.categories import OVERALL, Category, find_category
from bot.domain.scores import TEAM, ScoreData, ScoreMove, ScoreRow, scores_from_rows
from bot.domain.workspaces import SHARED
from bot.store.names import name_index
from bot.store.prices import new_change
from bot.store.tables import Board, Change, Model, Score


class StoredScore(ScoreRow, Protocol):
    """A row of the scores table as newest_rows reads it (a plain row, not a Score object)."""

    id: int
    model_id: str
    category: str
    variant: str
    origin: str
    recorded_at: datetime
    workspace: str


def newest_rows(
    session: Session,
    *,
    category: str | None = None,
    model_ids: Iterable[str] | None = None,
    workspace: str = SHARED,
) -> dict[tuple[str, str, str, str], StoredScore]:
    """The newest row of each (model, category, variant, origin) as a workspace sees it: the shared
    catalog's, then its own team rows over them (SHARED: the shared rows only). Plain rows of the
    table's columns, read-only: a read model's build reads thousands, and ORM objects cost it more
    than the rest of the read."""
    columns = Score.__table__.c
    query = (
        select(*columns)
        .where(columns.workspace.in_(sorted({SHARED, workspace})))
        .order_by(columns.workspace != SHARED, columns.id)
    )
    if category is not None:
        query = query.where(columns.category == category)
    if model_ids is not None:
        query = query.where(columns.model_id.in_(list(model_ids)))
    return {(r.model_id, r.category, r.variant, r.origin): r for r in session.execute(query)}


def current_scores(
    session: Session,
    category: Category = OVERALL,
    model_ids: Iterable[str] | None = None,
    workspace: str = SHARED,
) -> dict[str, QualityView]:
    """Each model's own default-variant score in the category: the team's while set, else the source's.
    (Answers read scores from the read model; this serves the writes that report before and after.)"""
    rows = newest_rows(session, category=category.name, model_ids=model_ids, workspace=workspace)
    team_changes = {r.change_id for (_, _, _, origin), r in rows.items() if origin == TEAM}
    actors = {c.id: c.actor for c in session.scalars(select(Change).where(Change.id.in_(team_changes)))}
    return scores_from_rows(rows, actors, category)


def apply_scores(
    session: Session, data: Iterable[ScoreData], change: Change, *, source: str, as_of: date
) -> list[ScoreMove]:
    """Write the scores that differ from the source's current ones, as new rows under `change`."""
    current = newest_rows(session)
    names = {model_id: name for model_id, name in session.execute(select(Model.id, Model.name))}
    moves: list[ScoreMove] = []
    rows: list[dict[str, object]] = []
    for d in data:
        if d.model_id not in names:
            continue
        row = current.get((d.model_id, d.category, d.variant, "source"))
        if row is not None and (row.score, row.score_low, row.score_high) == (d.score, d.low, d.high):
            continue
        rows.append(
            {
                "model_id": d.model_id,
                "category": d.category,
                "variant": d.variant,
                "origin": "source",
                "source": source,
                "leaderboard_key": d.key,
                "score": d.score,
                "score_low": d.low,
                "score_high": d.high,
                "as_of": as_of,
                "change_id": change.id,
                "recorded_at": change.created_at,
            }
        )
        old = row.score if row is not None else None
        moves.append(ScoreMove(d.model_id, names[d.model_id], d.category, d.variant, old, d.score))
    if rows:  # in bulk: a board brings thousands at once (the seed's), and nothing reads them as objects
        session.execute(insert(Score), rows)
    return moves


def set_team(
    session: Session, name: str, category_name: str, score: int | None, actor: Actor, workspace: str = SHARED
) -> ScoreAnswer:
    """`set sonnet coding score 1490` / `unset sonnet score`, as `actor`, in the shared catalog or one
    workspace's view: one change set, or none."""
    category = find_category(category_name) or OVERALL
    model = session.get_one(Model, name_index(session, workspace).resolve(name))
    before = current_scores(session, category, [model.id], workspace).get(model.id)
    team = newest_rows(session, category=category.name, model_ids=[model.id], workspace=workspace).get(
        (model.id, category.name, "", TEAM)
    )
    unchanged = (team.score if team else None) == score
    if not unchanged:
        change = new_change(session, "admin", actor, workspace)
        session.add(
            Score(
                model_id=model.id,
                category=category.name,
                variant="",
                origin=TEAM,
                source=TEAM,
                score=score,  # None: unset, back to the source's
                as_of=change.created_at.date(),
                change_id=change.id,
                recorded_at=change.created_at,
                workspace=workspace,
            )
        )
        session.flush()
    after = current_scores(session, category, [model.id], workspace).get(model.id)
    return ScoreAnswer(
        model_id=model.id,
        model_name=model.name,
        category=category.name,
        category_label=category.label,
        old=before.score if before else None,
        new=after.score if after else None,
        team=score,
        unchanged=unchanged,
        actor=actor,
    )


def newest_board(session: Session) -> Board | None:
    """The newest board the catalog's scores were taken from (None: a catalog from before boards were
    recorded, or fed only LMArena's undated JSON file)."""
    return session.scalars(
        select(Board).order_by(Board.published_on.desc(), Board.id.desc()).limit(1)
    ).first()


def add_board(
    session: Session, source: str, published_on: date, keys: Iterable[str], change: Change
) -> Board:
    """Record that the board of `source` published `published_on`, listing `keys`, was applied under
    `change`."""
    board = Board(
        source=source,
        published_on=published_on,
        keys=sorted(keys),
        change_id=change.id,
        recorded_at=change.created_at,
    )
    session.add(board)
    session.flush()
    return board
