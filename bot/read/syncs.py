"""`sync status`: the latest attempts of each feed, newest first, with their reasons as
bot.domain.reasons allows them to be shown, and how old the quality board is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.sync import BoardView, SyncRunView, SyncStatusAnswer
from bot.domain.feeds import FEEDS
from bot.domain.reasons import safe_reason
from bot.store.scores import newest_board
from bot.store.tables import SyncRun


def recent_runs(session: Session, limit: int = 5, today: date | None = None) -> SyncStatusAnswer:
    """The latest attempts (dry runs included) of each feed, newest first, and the quality board's age
    as of `today` (default: today, UTC)."""
    rows = [
        r
        for feed in FEEDS
        for r in session.scalars(
            select(SyncRun).where(SyncRun.feed == feed.name).order_by(SyncRun.id.desc()).limit(limit)
        )
    ]
    return SyncStatusAnswer(
        runs=[
            SyncRunView(
                feed=r.feed,
                started_at=r.started_at,
                status=r.status,
                reason=safe_reason(r.error),
                changed=int((r.summary or {}).get("changed", 0)),
                added=int((r.summary or {}).get("added", 0)),
                retired=int((r.summary or {}).get("retired", 0)),
                removed=int((r.summary or {}).get("removed", 0)),
            )
            for r in sorted(rows, key=lambda r: r.id, reverse=True)
        ],
        board=_board(session, today or datetime.now(UTC).date()),
    )


def _board(session: Session, today: date) -> BoardView | None:
    board = newest_board(session)
    if board is None:
        return None
    return BoardView(
        source=board.source, published=board.published_on, age_days=(today - board.published_on).days
    )
