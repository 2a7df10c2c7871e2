"""Pacing: per workspace, the earliest time the alerts worker may post there again.

Slack limits chat.postMessage per app and workspace, not per process: "1 message per second to a
specific channel", and "limits governing your app's relationship with the entire workspace above that,
limiting posting to several hundred messages per minute" (https://docs.slack.dev/reference/methods/chat.postMessage;
the tiers, "per API method per workspace/team per app", and the 429 with Retry-After that answers a
call over them: https://docs.slack.dev/apis/web-api/rate-limits). So the hold is a row every worker
process reads (`pacing`), moved forward in the transaction that records an outcome: by the pace after
a post, by Slack's Retry-After after a 429. A held workspace waits; the others go on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, Executable, bindparam, case, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.tables import Alert, Pacing


def hold(session: Session, workspace: str, until: datetime) -> None:
    """No post to `workspace` before `until`, in the caller's transaction. A hold only ever moves
    forward: a short pace never cuts a longer Retry-After short. An upsert, so that two workers
    recording outcomes for one workspace at once never collide on its first row."""
    # Core, on the session's connection (with parameters, the ORM would take it for a bulk insert).
    session.connection().execute(
        _statements(session.get_bind().dialect.name)[0], {"w": workspace, "until": until}
    )


def take_turn(session: Session, workspace: str, now: datetime, pace: timedelta, *, posting: int) -> bool:
    """Take the workspace's turn to post alert `posting`, in the caller's transaction: False if it is
    held at `now`, or (when paced) another of its alerts is being posted; else True, and it is held
    for `pace` (when pace is not zero). One conditional upsert, so that of two workers taking a turn
    at once only one gets it: the other waits on the row and then finds it held. (A workspace with
    a post in flight has its row: the turn that post took.)"""
    if not pace:
        return held_until(session, workspace, now) is None
    turn = _statements(session.get_bind().dialect.name)[1]
    values = {"w": workspace, "until": now + pace, "now": now, "posting": posting}
    return bool(session.connection().execute(turn, values).rowcount)


@cache
def _statements(dialect: str) -> tuple[Executable, Executable]:
    """hold's and take_turn's upserts, built once per dialect (a fan-out runs them thousands of
    times; building one costs more than running it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    until = bindparam("until", type_=Pacing.not_before.type)
    now = bindparam("now", type_=Pacing.not_before.type)
    stmt = insert(Pacing).values(workspace=bindparam("w"), not_before=until)
    held = stmt.on_conflict_do_update(
        index_elements=[Pacing.workspace],
        set_={
            "not_before": case(
                (Pacing.not_before > stmt.excluded.not_before, Pacing.not_before),
                else_=stmt.excluded.not_before,
            )
        },
    )
    in_flight = exists().where(
        Alert.workspace == bindparam("w"),
        Alert.status == "sending",
        Alert.next_attempt_at > now,
        Alert.id != bindparam("posting"),
    )
    turn = stmt.on_conflict_do_update(
        index_elements=[Pacing.workspace],
        set_={"not_before": stmt.excluded.not_before},
        where=(Pacing.not_before <= now) & ~in_flight,
    )
    return held, turn


def held_until(session: Session, workspace: str, now: datetime) -> datetime | None:
    """When the workspace's hold ends, if it is held at `now`."""
    until = session.scalar(select(Pacing.not_before).where(Pacing.workspace == workspace))
    return until if until is not None and until > now else None


def soonest_release(session: Session, now: datetime, within: timedelta) -> datetime | None:
    """The earliest end, no later than `now + within`, of a hold on a workspace that has alerts waiting
    for it: when the worker should look again instead of waiting its whole poll."""
    waiting: ColumnElement[bool] = exists().where(
        Alert.workspace == Pacing.workspace, Alert.status.in_(("pending", "sending"))
    )
    return session.scalar(
        select(func.min(Pacing.not_before)).where(
            Pacing.not_before > now, Pacing.not_before <= now + within, waiting
        )
    )
