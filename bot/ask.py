"""Text of a command -> typed answer: parse once, then one catalog call. Used by the CLI and Slack.

Reads run in a session that is rolled back (asking never changes the catalog); changes run in one
transaction each, with their alerts queued in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import db, query
from bot.alerts.outbox import queue_alerts
from bot.catalog import edits, subscriptions
from bot.catalog.answers import Actor, Answer, HelpAnswer
from bot.catalog.compare import compare_models, find_alternatives, list_models, show_model

HELP = [
    ("r1 vs o1", "compare 2 to 6 models: prices, ratio and the cost of a default workload"),
    ("r1 vs o1 for 10M in 2M out", "... for your workload (k, M or B tokens; add `30% cached`)"),
    ("o1", "one model: prices at the lab's API, the cheapest host, context, licence, quality"),
    ("cheaper o1", "open-weights models of comparable quality that cost less, with their cheapest host"),
    ("list open", "list models: all curated ones, `open`, a lab (`list anthropic`) or a host (`list groq`)"),
    ("history o1", "a model's dated price changes, and who or which feed made each"),
    (
        "subscribe",
        "this channel gets an alert when a price changes (`subscribe o1 r1`, `subscribe above 5%`)",
    ),
    ("unsubscribe", "stop this channel's alerts; `subscriptions` shows what it gets"),
    (
        "set o1 input 15 output 60",
        "admins: correct a price (`set r1 at together input 3 output 7` for a host)",
    ),
    ("alias team-default gpt-4o", "admins: add a name for a model (`unalias team-default` removes it)"),
    ("sync", "admins: fetch the genai-prices feed now (`sync dry-run` shows what would change)"),
    ("sync status", "the latest feed syncs, scheduled or not, and why any was rejected"),
    ("help", "this help"),
]
HELP_FOOTNOTE = "Prices are USD per 1M tokens, from genai-prices; quality is the LMArena text score."


class NotAdminError(PermissionError):
    """The command changes the catalog and the user is not an admin."""

    def __init__(self) -> None:
        super().__init__(
            "Only workspace admins and owners (or users in MODELCOST_ADMIN_USERS) can change "
            "prices, aliases or sync the feed. Nothing was changed."
        )


class NeedsChannelError(ValueError):
    """A channel command (subscribe...) asked outside a channel, e.g. from the CLI."""


@dataclass(frozen=True)
class Context:
    """Who asks, and where: the CLI is a local operator and counts as an admin."""

    user_id: str = "cli"
    channel_id: str | None = None
    is_admin: bool = True

    @property
    def actor(self) -> Actor:
        """Who makes a change: an admin, by Slack user id ("cli" for the terminal operator)."""
        return Actor(kind="admin", id=self.user_id)


def answer(session: Session, text: str) -> Answer:
    """The answer to a read-only command (QueryError, UnknownModelError or NoPriceError otherwise)."""
    return read(session, query.parse(text))


def respond(engine: Engine, text: str, context: Context | None = None) -> Any:
    """Any command: reads roll back, changes commit in one transaction. Sync is the caller's (it fetches)."""
    return respond_to(engine, query.parse(text), context or Context())


def respond_to(engine: Engine, request: Any, context: Context) -> Any:
    """`respond` for a parsed request."""
    if request.kind in query.ADMIN_KINDS and not context.is_admin:
        raise NotAdminError()
    if isinstance(request, query.SyncRequest):
        return request  # network work: the caller runs bot.sync with its settings
    if request.kind in ("set", "alias", "unalias", "subscribe", "unsubscribe"):
        with db.transaction(engine) as session:
            return change(session, request, context)
    with db.session_factory(engine)() as session:
        try:
            if isinstance(request, query.SubscriptionsRequest):
                return subscriptions.show(session, _channel(context))
            return read(session, request)
        finally:
            session.rollback()


def read(session: Session, request: Any) -> Answer | Any:
    match request:
        case query.HelpRequest():
            return HelpAnswer(commands=HELP, footnote=HELP_FOOTNOTE)
        case query.ListRequest(filter=f):
            return list_models(session, f)
        case query.ModelRequest(name=name, workload=w):
            return show_model(session, name, w)
        case query.CompareRequest(names=names, workload=w):
            return compare_models(session, names, w)
        case query.AlternativesRequest(name=name, workload=w):
            return find_alternatives(session, name, w)
        case query.HistoryRequest(name=name):
            return edits.history(session, name)
        case query.SyncStatusRequest():
            from bot.sync.run import recent_runs

            return recent_runs(session)
    raise AssertionError(f"not a read: {request!r}")


def change(session: Session, request: Any, context: Context) -> Any:
    match request:
        case query.SetPriceRequest(name=name, host=host, prices=prices):
            return edits.set_prices(session, name, host, prices, context.actor, on_change=queue_alerts)
        case query.AliasRequest(alias=alias, name=name):
            return edits.add_alias(session, alias, name)
        case query.UnaliasRequest(alias=alias):
            return edits.remove_alias(session, alias)
        case query.SubscribeRequest(names=names, min_change_pct=pct):
            return subscriptions.subscribe(session, _channel(context), context.user_id, names, pct)
        case query.UnsubscribeRequest():
            return subscriptions.unsubscribe(session, _channel(context))
    raise AssertionError(f"not a change: {request!r}")


def _channel(context: Context) -> str:
    if context.channel_id is None:
        raise NeedsChannelError("Subscriptions belong to a Slack channel: type this in the channel.")
    return context.channel_id
