"""`sync status`: the latest attempts of each feed, newest first, with their reasons as
bot.domain.reasons allows them to be shown.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.sync import FEEDS, SyncRunView, SyncStatusAnswer
from bot.domain.reasons import safe_reason
from bot.store.tables import SyncRun


def recent_runs(session: Session, limit: int = 5) -> SyncStatusAnswer:
    """The latest attempts (dry runs included) of each feed, newest first."""
    rows = [
        r
        for feed in FEEDS
        for r in session.scalars(
            select(SyncRun).where(SyncRun.feed == feed).order_by(SyncRun.id.desc()).limit(limit)
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
        ]
    )
