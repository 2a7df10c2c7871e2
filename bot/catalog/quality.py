"""Quality scores: reading the current score of each model per category (a team's own judgement first,
then the leaderboard's, then a labelled floor from the model's scored predecessor), writing new scores
from a leaderboard (only what changed, as new dated rows), and "comparable quality".

Callers own the transaction, as for prices (bot.catalog.changes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.categories import CATEGORIES, OVERALL, Category, find_category
from bot.catalog.changes import new_change
from bot.catalog.comparable import COMPARABLE_MARGIN as COMPARABLE_MARGIN
from bot.catalog.comparable import comparable as comparable
from bot.catalog.comparable import comparable_rule as comparable_rule
from bot.catalog.lookup import name_index
from bot.catalog.models import Change, Model, Score
from bot.catalog.overlay import load_overlay
from bot.catalog.succession import floor_for
from bot.catalog.workspaces import SHARED
from bot.contract.actor import Actor
from bot.contract.answers import ScoreAnswer
from bot.contract.views import QualityView, ScoreEntry

SOURCE = "LMArena text"
TEAM = "team"
ALERT_MOVE = 10  # a subscribed channel hears when a score moves by this much or more


@dataclass(frozen=True)
class ScoreData:
    """One score as a leaderboard states it, already mapped to a catalog model."""

    model_id: str
    category: str  # Category.name
    variant: str  # "" for the model's default
    score: int
    low: int | None
    high: int | None
    key: str | None = None  # the leaderboard's model key


@dataclass(frozen=True)
class ScoreMove:
    """A model's score in one category before and after a change (old None: its first score)."""

    model_id: str
    model_name: str
    category: str
    variant: str
    old: int | None
    new: int | None

    @property
    def size(self) -> int:
        return abs((self.new or 0) - (self.old or 0)) if self.old is not None and self.new is not None else 0


def newest_rows(
    session: Session,
    *,
    category: str | None = None,
    model_ids: Iterable[str] | None = None,
    workspace: str = SHARED,
) -> dict[tuple[str, str, str, str], Score]:
    """The newest row of each (model, category, variant, origin) as a workspace sees it: the shared
    catalog's, then its own team rows over them (SHARED: the shared rows only)."""
    query = (
        select(Score)
        .where(Score.workspace.in_(sorted({SHARED, workspace})))
        .order_by(Score.workspace != SHARED, Score.id)
    )
    if category is not None:
        query = query.where(Score.category == category)
    if model_ids is not None:
        query = query.where(Score.model_id.in_(list(model_ids)))
    return {(r.model_id, r.category, r.variant, r.origin): r for r in session.scalars(query)}


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


class ScoreRow(Protocol):
    """What scores_from_rows reads of a row: a Score, or a plain row of the same columns."""

    score: int | None
    score_low: int | None
    score_high: int | None
    source: str
    as_of: date
    change_id: int


def scores_from_rows(
    rows: Mapping[tuple[str, str, str, str], ScoreRow], actors: Mapping[int, Actor], category: Category
) -> dict[str, QualityView]:
    """The current scores in a category from its newest rows (`newest_rows`): the team's first."""
    out: dict[str, QualityView] = {}
    for (model_id, _, variant, origin), row in sorted(rows.items(), key=lambda kv: kv[0][3] == TEAM):
        if variant or row.score is None:
            continue
        out[model_id] = QualityView(
            score=row.score,
            low=row.score_low,
            high=row.score_high,
            category=category.name,
            category_label=category.label,
            source=row.source if origin != TEAM else TEAM,
            as_of=row.as_of,
            team=origin == TEAM,
            set_by=actors.get(row.change_id) if origin == TEAM else None,
        )
    return out


def with_floors(
    scores: dict[str, QualityView], model_ids: Iterable[str], names: dict[str, str]
) -> dict[str, QualityView]:
    """`scores` plus, for each of `model_ids` without a score, its nearest scored predecessor's as a floor."""
    predecessors = load_overlay().predecessors
    out = dict(scores)
    for model_id in model_ids:
        floor = floor_for(model_id, scores, predecessors)
        if floor is not None:
            out[model_id] = floor.score.model_copy(
                update={
                    "floor_from_id": floor.model_id,
                    "floor_from": names.get(floor.model_id, floor.model_id),
                    "low": None,
                    "high": None,
                }
            )
    return out


def apply_scores(
    session: Session, data: Iterable[ScoreData], change: Change, *, source: str, as_of: date
) -> list[ScoreMove]:
    """Write the scores that differ from the source's current ones, as new rows under `change`."""
    current = newest_rows(session)
    names = {model_id: name for model_id, name in session.execute(select(Model.id, Model.name))}
    moves: list[ScoreMove] = []
    for d in data:
        if d.model_id not in names:
            continue
        row = current.get((d.model_id, d.category, d.variant, "source"))
        if row is not None and (row.score, row.score_low, row.score_high) == (d.score, d.low, d.high):
            continue
        session.add(
            Score(
                model_id=d.model_id,
                category=d.category,
                variant=d.variant,
                origin="source",
                source=source,
                leaderboard_key=d.key,
                score=d.score,
                score_low=d.low,
                score_high=d.high,
                as_of=as_of,
                change_id=change.id,
                recorded_at=change.created_at,
            )
        )
        old = row.score if row is not None else None
        moves.append(ScoreMove(d.model_id, names[d.model_id], d.category, d.variant, old, d.score))
    session.flush()
    return moves


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
