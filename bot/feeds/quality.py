"""The quality feed (LMArena's published leaderboard file): validated whole, its keys mapped to models, the
scores that moved written in one transaction, with alerts queued for moves of ALERT_MOVE or more.

Its `FEED` goes through the life every feed shares (bot.feeds.attempt): conditional fetch, a SyncRun (feed
`quality`) for every attempt, rejected whole with the reason when the file is not JSON, cut short, the
wrong shape, holds absurd ratings or drops most of the keys the catalog's scores came from
(bot.feeds.leaderboard).
Keys that map to no model, or to several, are listed in the summary and never attached.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.sync import ScoreChange, SyncSummary, UnattachedKey
from bot.domain.categories import ARENA_KEYS, find_category
from bot.domain.feeds import QUALITY
from bot.domain.scores import TEAM, ScoreMove
from bot.feeds.attempt import Feed, Fresh
from bot.feeds.leaderboard import SOURCE, Leaderboard, parse_leaderboard
from bot.feeds.scores import mapping, score_data, sourced_models
from bot.store.outbox import queue_alerts
from bot.store.prices import new_change
from bot.store.scores import apply_scores, newest_rows

TOP_MOVES = 10
EXAMPLES = 10


def known_keys(session: Session) -> set[str]:
    """The leaderboard keys the catalog's current source scores came from: a feed must keep most."""
    return {
        row.leaderboard_key
        for (_, _, _, origin), row in newest_rows(session).items()
        if origin != TEAM and row.leaderboard_key
    }


def parse(tx: Session, fresh: Fresh) -> Leaderboard:
    """The leaderboard, valid (bot.feeds.leaderboard) and keeping most of the keys the scores came from."""
    return parse_leaderboard(fresh.body, categories=ARENA_KEYS, known_keys=known_keys(tx))


def apply(tx: Session, fresh: Fresh, board: Leaderboard) -> SyncSummary:
    """Write the scores that moved as one change set, with the alerts they queue."""
    keys = mapping(board, sourced_models(tx))
    change = new_change(tx, "sync", Actor(kind="feed", id=fresh.url))
    moves = apply_scores(tx, score_data(board, keys), change, source=SOURCE, as_of=fresh.fetched_at.date())
    changed = [m for m in moves if m.old is not None]
    added = [m for m in moves if m.old is None]
    summary = fresh.summary("applied" if moves else "unchanged")
    summary.changed, summary.added = len(changed), len(added)
    summary.score_moves = [_view(m) for m in _largest(changed)[:TOP_MOVES]]
    summary.score_moves += [_view(m) for m in _largest(added) if m.category == "overall" and not m.variant][
        :EXAMPLES
    ]
    summary.feed_keys, summary.mapped_keys = len(board.keys()), len(keys.mapped)
    summary.ambiguous_keys = [
        UnattachedKey(key=k, reason=u.reason) for k, u in sorted(keys.ambiguous.items())
    ]
    summary.unmapped_keys = sorted(keys.unmapped)
    if not moves:
        tx.delete(change)  # nothing moved: no change set to announce
        return summary
    summary.alerts_queued = queue_alerts(tx, change, [], scores=moves)  # less what team scores hide
    summary.change_id = change.id
    return summary


FEED = Feed(QUALITY, parse, apply)


def _largest(moves: list[ScoreMove]) -> list[ScoreMove]:
    return sorted(moves, key=lambda m: (-m.size, m.model_name, m.category, m.variant))


def _view(m: ScoreMove) -> ScoreChange:
    category = find_category(m.category)
    return ScoreChange(
        model=m.model_name,
        category=category.label if category else m.category,
        variant=m.variant,
        old=m.old,
        new=m.new,
    )
