"""A sync summary -> plain text for the terminal (and a Slack text fallback); and what of a failed
sync's reason people who are not admins may see."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.catalog.prices import fmt_usd
from bot.sync.summary import Move, SyncStatusAnswer, SyncSummary

_HEADLINE = {
    "applied": "applied",
    "unchanged": "unchanged: the feed has nothing new",
    "rejected": "REJECTED, nothing was changed",
    "failed": "FAILED, nothing was changed",
}


def summary_text(summary: SyncSummary) -> str:
    s = summary
    mode = "Dry run: " if s.dry_run else ""
    headline = _HEADLINE[s.status]
    if s.dry_run and s.status == "applied":
        headline = "would apply; nothing was written"
    elif s.status == "unchanged" and s.held:
        headline = "nothing applied (prices held back, below)"
    elif s.dry_run and s.status in ("rejected", "failed"):
        headline = s.status.upper()
    lines = [f"{mode}sync from {s.url}: {headline}"]
    if s.reason:
        lines.append(f"Reason: {s.reason}")
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
    return "\n".join(lines)


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
    if not answer.runs:
        return "No feed sync has run yet. Admins can run `sync` now; the worker syncs on its own schedule."
    lines = ["Latest feed syncs (newest first):"]
    for r in answer.runs:
        counts = (
            f": {r.changed} changed, {r.added} added, {r.retired} retired" if r.status == "applied" else ""
        )
        reason = f" ({r.reason})" if r.reason else ""
        lines.append(f"{r.started_at:%Y-%m-%d %H:%M} UTC  {r.status}{counts}{reason}")
    return "\n".join(lines)


# A recorded reason is for admins: it may quote the feed's URL (which can carry a token), a
# database driver's message (hosts, users) or feed content. Others get one of these short ones.
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
    runs = [r.model_copy(update={"reason": public_reason(r.status, r.reason)}) for r in answer.runs]
    return answer.model_copy(update={"runs": runs})
