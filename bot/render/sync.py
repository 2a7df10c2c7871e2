"""A sync summary -> plain text for the terminal (and a Slack text fallback); and what of a failed
sync's reason people who are not admins may see. Each feed's headline and heading are its FeedInfo's
(bot.domain.feeds); the details of what it did are worded here, per feed, and plainly for a feed that
has no wording of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from bot.contract.actor import public_url
from bot.contract.sync import FactMove, Move, ScoreChange, SyncRunView, SyncStatusAnswer, SyncSummary
from bot.domain.feeds import CROSSCHECK, FEEDS, PRICES, QUALITY, feed_info
from bot.domain.prices import fmt_usd
from bot.domain.scores import STALE_BOARD_DAYS

_UNMAPPED_SHOWN = 20
_FACT_NAMES = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached input",
    "max_input_tokens": "input limit",
    "max_output_tokens": "output limit",
    "deprecation_date": "retires",
}
_HEADLINE = {
    "applied": "applied",
    "unchanged": "unchanged: the feed has nothing new",
    "rejected": "REJECTED, nothing was changed",
    "failed": "FAILED, nothing was changed",
}


def summary_text(summary: SyncSummary) -> str:
    s = summary
    mode = "Dry run: " if s.dry_run else ""
    outcome = _HEADLINE[s.status]
    if s.dry_run and s.status == "applied":
        outcome = "would apply; nothing was written"
    elif s.status == "unchanged" and s.held:
        outcome = "nothing applied (prices held back, below)"
    elif s.dry_run and s.status in ("rejected", "failed"):
        outcome = s.status.upper()
    # The URL's public form: a query may hold a token.
    lines = [f"{mode}{feed_info(s.feed).headline} from {public_url(s.url)}: {outcome}"]
    if s.reason:
        lines.append(f"Reason: {s.reason}")
    return "\n".join(lines + _DETAILS.get(s.feed, _details)(s))


def _prices(s: SyncSummary) -> list[str]:
    lines = []
    if s.status == "applied" or (s.status == "unchanged" and s.feed_offerings is not None):
        lines.append(
            f"{'Would be: ' if s.dry_run else ''}{s.changed} changed, {s.added} added, {s.retired} retired, "
            f"{s.overridden} overridden ({s.feed_offerings} offerings in the feed)"
        )
    if s.held:
        lines.append(
            f"{s.held} price{'s' if s.held != 1 else ''} held back: the feed returns to values upstream "
            f"already replaced ({', '.join(s.held_examples)})"
        )
    if s.largest_moves:
        lines += ["", "Largest moves (input / output, USD per 1M tokens):"]
        lines += _moves(s.largest_moves)
    if s.overrides:
        lines += ["", "Overridden: the admin's price is kept, the feed differs (admin -> feed):"]
        lines += _moves(s.overrides)
    if s.added_examples:
        lines += ["", f"Added: {_examples(s.added_examples, s.added)}"]
    if s.retired_examples:
        lines += ["", f"Retired: {_examples(s.retired_examples, s.retired)}"]
    if s.alerts_queued:
        lines.append(f"Alerts queued for {s.alerts_queued} channel{'s' if s.alerts_queued != 1 else ''}.")
    return lines


def _quality(s: SyncSummary) -> list[str]:
    lines = []
    if s.feed_keys is not None:
        lines.append(
            f"{'Would be: ' if s.dry_run else ''}{s.changed} score{'s' if s.changed != 1 else ''} changed, "
            f"{s.added} added ({s.feed_keys} models in the leaderboard, {s.mapped_keys} matched to a model)"
        )
    changed = [m for m in s.score_moves if m.old is not None]
    first = [m for m in s.score_moves if m.old is None]
    if changed:
        lines += ["", "Largest moves (LMArena score):", *_table([_score_row(m) for m in changed])]
    if first:
        lines += ["", "First scores (overall):", *_table([_score_row(m) for m in first])]
    if s.ambiguous_keys:
        lines += ["", f"Not attached, could be several models ({len(s.ambiguous_keys)}):"]
        lines += [f"  {k.key}: {k.reason}" for k in s.ambiguous_keys]
    if s.unmapped_keys:
        shown = s.unmapped_keys[:_UNMAPPED_SHOWN]
        lines += ["", f"Not attached, no model in the catalog ({len(s.unmapped_keys)}):"]
        lines.append("  " + _examples(shown, len(s.unmapped_keys)))
    if s.alerts_queued:
        lines.append(f"Alerts queued for {s.alerts_queued} channel{'s' if s.alerts_queued != 1 else ''}.")
    return lines


def _crosscheck(s: SyncSummary) -> list[str]:
    lines = []
    if s.feed_keys is not None:
        plural = "s" if s.lifecycle_changed != 1 else ""
        lines.append(
            f"{'Would be: ' if s.dry_run else ''}{_facts_of(s.changed)} changed, {s.added} newly described, "
            f"{s.removed} no longer described, {s.lifecycle_changed} retirement day{plural} or input "
            f"limit{plural} updated ({s.feed_keys} token-priced models in the file, {s.mapped_keys} "
            "curated offerings described)"
        )
    if s.fact_moves:
        lines += ["", "What LiteLLM now says (old -> new):", *_table([_fact_row(m) for m in s.fact_moves])]
    return lines


def _facts_of(n: int) -> str:
    return f"{n} offering's facts" if n == 1 else f"{n} offerings' facts"


def _fact_row(m: FactMove) -> list[str]:
    if m.field == "described":
        return [m.offering, "LiteLLM key", m.old or "none", "->", m.new or "none"]
    old, new = (
        v if v is None or not m.field.endswith("_mtok") else fmt_usd(Decimal(v)) for v in (m.old, m.new)
    )
    return [m.offering, _FACT_NAMES.get(m.field, m.field), old or "none", "->", new or "none"]


def _score_row(m: ScoreChange) -> list[str]:
    what = m.category + (f" ({m.variant})" if m.variant else "")
    if m.old is None:
        return [m.model, what, "new", "->", str(m.new), ""]
    delta = (m.new or 0) - m.old
    return [m.model, what, str(m.old), "->", str(m.new), f"{delta:+}"]


def _moves(moves: list[Move]) -> list[str]:
    rows = [
        [
            f"{m.model} at {m.host}",
            f"{fmt_usd(m.old_input_mtok)} / {fmt_usd(m.old_output_mtok)}",
            "->",
            f"{fmt_usd(m.new_input_mtok)} / {fmt_usd(m.new_output_mtok)}",
            _pct(m.pct),
        ]
        for m in moves
    ]
    return _table(rows)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _examples(shown: list[str], total: int) -> str:
    more = f" and {total - len(shown)} more" if total > len(shown) else ""
    return ", ".join(shown) + more


def _pct(pct: Decimal | None) -> str:
    if pct is None:
        return ""
    return f"{'+' if pct > 0 else ''}{pct}%"


def status_text(answer: SyncStatusAnswer) -> str:
    board = board_lines(answer)
    if not answer.runs:
        return "\n".join(["No feed sync has run yet: the feeds sync on their own schedule.", *board])
    lines = ["Latest feed syncs (newest first):"]
    for feed in FEEDS:
        runs = [r for r in answer.runs if r.feed == feed.name]
        if runs:
            lines += ["", f"{feed.title} feed:", *(_run_line(r) for r in runs)]
    return "\n".join([*lines, *board])


def board_lines(answer: SyncStatusAnswer) -> list[str]:
    """The quality board's age, and a warning when it is older than STALE_BOARD_DAYS."""
    b = answer.board
    if b is None:
        return []
    lines = ["", f"Quality scores: {b.source}, published {b.published.isoformat()}, {_days(b.age_days)}."]
    if b.age_days > STALE_BOARD_DAYS:
        lines.append(
            f"⚠️ The quality board is {b.age_days} days old (over {STALE_BOARD_DAYS}): LMArena publishes "
            "every few days, so the quality feed is failing or points at a file no longer updated."
        )
    return lines


def _days(n: int) -> str:
    return "today" if n == 0 else "1 day ago" if n == 1 else f"{n} days ago"


def _run_line(r: SyncRunView) -> str:
    counts = f": {_COUNTS.get(r.feed, _counts)(r)}" if r.status == "applied" else ""
    reason = f" ({r.reason})" if r.reason else ""
    return f"  {r.started_at:%Y-%m-%d %H:%M} UTC  {r.status}{counts}{reason}"


def _price_counts(r: SyncRunView) -> str:
    return f"{r.changed} changed, {r.added} added, {r.retired} retired"


def _score_counts(r: SyncRunView) -> str:
    return f"{r.changed} score{'s' if r.changed != 1 else ''} changed, {r.added} added"


def _fact_counts(r: SyncRunView) -> str:
    return f"{_facts_of(r.changed)} changed, {r.added} newly described, {r.removed} no longer described"


def _details(s: SyncSummary) -> list[str]:
    """What a feed with no wording of its own did: its counts."""
    if s.status != "applied":
        return []
    return [f"{'Would be: ' if s.dry_run else ''}{s.changed} changed, {s.added} added, {s.removed} removed"]


def _counts(r: SyncRunView) -> str:
    return f"{r.changed} changed, {r.added} added, {r.removed} removed"


# Each feed's own wording of what it did, in a summary and in `sync status`; a feed without one (a new
# feed, at first) is shown by _details and _counts.
_DETAILS: dict[str, Callable[[SyncSummary], list[str]]] = {
    PRICES.name: _prices,
    QUALITY.name: _quality,
    CROSSCHECK.name: _crosscheck,
}
_COUNTS: dict[str, Callable[[SyncRunView], str]] = {
    PRICES.name: _price_counts,
    QUALITY.name: _score_counts,
    CROSSCHECK.name: _fact_counts,
}


# A recorded reason holds no URL's query, credentials or library text (bot.domain.reasons), but it may
# name the feed's host or quote the feed's content at length: that is for whoever runs the syncs.
# Others get one of these short ones.
_URL = re.compile(r"[a-z][a-z0-9+.\-]*://\S*", re.IGNORECASE)
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_DRIVER = re.compile(r"\b(database|psycopg|sqlalchemy|sqlite|connection|server|host|port|password)\b", re.I)
PUBLIC_REASON_MAX = 160


def public_reason(status: str, reason: str | None) -> str | None:
    """A short reason that shows no URL, credential, host or driver message."""
    if not reason:
        return None
    if status == "failed":
        if "database" in reason.lower():
            return "the database was unavailable"
        if (code := _HTTP_STATUS.search(reason)) is not None:
            return f"the feed answered HTTP {code.group(1)}"
        if "timed out" in reason.lower():
            return "the feed did not answer in time"
        return "the feed could not be fetched"
    if _DRIVER.search(reason):
        return "the feed was rejected (admins can see why)"
    first = _URL.sub("(address hidden)", reason).split("; ")[0]
    return first if len(first) <= PUBLIC_REASON_MAX else first[: PUBLIC_REASON_MAX - 1] + "…"


def public_status(answer: SyncStatusAnswer) -> SyncStatusAnswer:
    """`sync status` as shown to someone who is not an admin."""
    runs = [replace(r, reason=public_reason(r.status, r.reason)) for r in answer.runs]
    return replace(answer, runs=runs)
