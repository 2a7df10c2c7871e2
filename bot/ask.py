"""A typed request -> a typed answer: the one place that decides who may run a command and how it runs.
Used by the CLI and by Slack.

Questions about prices and models (compare, a model card, alternatives, list, help) are answered
from the in-memory read model (bot.catalog.current) with no database round trip; other reads run in
a read-only session that is rolled back (asking never changes the catalog); changes run in one
transaction each, with their alerts queued in it, and this process's next read sees them at once.
What a request needs (an admin, a channel, a transaction, the network) is read from its type
(bot.query), never from a list kept here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import db, query
from bot.catalog import current
from bot.catalog.answers import CLI_USER, Actor, Answer, HelpAnswer
from bot.catalog.categories import CATEGORIES, OVERALL, Category, find_category
from bot.catalog.compare import compare_models, find_alternatives, list_models, show_model
from bot.catalog.readmodel import ReadModel
from bot.catalog.workspaces import SHARED
from bot.errors import NeedsChannelError, NotAdminError, NotHereError, QueryError
from bot.query import CatalogRead, Request

HELP = [
    ("r1 vs o1", "compare 2 to 6 models: prices, ratio and the cost of a default workload"),
    ("r1 vs o1 for 10M in 2M out", "... for your workload (k, M or B tokens; add `30% cached`)"),
    ("o1", "one model: prices at the lab's API, the cheapest hosts, context, licence, quality"),
    ("r1 hosts", "every live host of a model, cheapest first"),
    ("cheaper o1", "open-weights models of comparable quality that cost less, with their cheapest host"),
    (
        "cheaper sonnet for coding",
        "... ranked by a task's LMArena score (add a workload after it: `for 10M in 2M out`)",
    ),
    ("r1 vs o1 for coding", "compare with a task's scores beside the prices (`o1 for math` for one model)"),
    (
        "list open",
        "list models: all curated ones, `open`, a lab (`list anthropic`) or a host (`list groq`); "
        "`list all` adds retired ones",
    ),
    ("history o1", "a model's dated price changes, and who or which feed made each"),
    (
        "chart r1 o1 sonnet",
        "the cost-vs-quality chart of those models (`chart o1`: o1 and its cheaper alternatives)",
    ),
    (
        "subscribe",
        "this channel gets an alert when a price changes (`subscribe o1 r1`, `subscribe above 5%`)",
    ),
    ("unsubscribe", "stop this channel's alerts; `subscriptions` shows what it gets"),
    (
        "set o1 input 15 output 60",
        "admins: correct a price (`set r1 at together input 3 output 7` for a host)",
    ),
    (
        "set sonnet score 1460",
        "admins: the team's own score (`set sonnet coding score 1490`; `unset sonnet score` undoes it)",
    ),
    ("alias team-default gpt-4o", "admins: add a name for a model (`unalias team-default` removes it)"),
    ("sync", "admins: fetch the genai-prices feed now (`sync dry-run` shows what would change)"),
    ("sync status", "the latest feed syncs, scheduled or not, and why any was rejected"),
    (
        "audit",
        "admins: where prices disagree with a second source (LiteLLM), and retired models still listed",
    ),
    ("help", "this help"),
]
HELP_FOOTNOTE = (
    "Prices are USD per 1M tokens, from genai-prices; quality is the LMArena text score. Tasks: "
    + ", ".join(c.name for c in CATEGORIES)
    + ". Family names (claude, gpt, gemini, …) mean the lab's current flagship."
)


@dataclass(frozen=True)
class Context:
    """Who asks, and where. There is no default: build it with `Context.cli()` (the local operator, an
    admin by having the database) or `Context.slack(...)` (a Slack user, an admin only if Slack or
    MODELCOST_ADMIN_USERS says so, asked only when a command needs it)."""

    user_id: str
    channel_id: str | None
    admin_check: Callable[[], bool]
    feed_url: str | None = None  # where `sync` fetches from; None: this surface doesn't run sync
    workspace: str = SHARED  # whose view of the catalog (bot.catalog.workspaces): a Slack installation's

    @classmethod
    def cli(cls) -> Context:
        return cls(user_id=CLI_USER, channel_id=None, admin_check=lambda: True)

    @classmethod
    def slack(
        cls,
        user_id: str,
        channel_id: str | None,
        is_admin: Callable[[str], bool] | None,
        *,
        feed_url: str | None = None,
        workspace: str = SHARED,
    ) -> Context:
        def check() -> bool:
            return bool(user_id) and is_admin is not None and is_admin(user_id)

        return cls(
            user_id=user_id,
            channel_id=channel_id or None,
            admin_check=check,
            feed_url=feed_url,
            workspace=workspace,
        )

    @property
    def actor(self) -> Actor:
        """Who makes a change: an admin, by Slack user id ("cli" for the terminal operator)."""
        return Actor(kind="admin", id=self.user_id)


def respond(engine: Engine, text: str, context: Context) -> Answer:
    """Any command as text: parsed once, then `respond_to`."""
    return respond_to(engine, query.parse(text), context)


def respond_to(engine: Engine, request: Request, context: Context) -> Answer:
    """Run a request: check what its type needs, then run it read-only or in one transaction."""
    if request.admin_only and not context.admin_check():
        raise NotAdminError()
    if request.needs_channel and context.channel_id is None:
        raise NeedsChannelError()
    if isinstance(request, CatalogRead):
        return read(current.current(engine), request)
    if request.fetches:
        try:
            return _fetch(engine, request, context)
        finally:
            current.changed(engine)
    if request.writes:
        try:
            with db.transaction(engine) as session:
                return handle(session, request, context)
        finally:
            current.changed(engine)  # committed or not, the next read rereads the version
    with db.read_only(engine) as session:
        return handle(session, request, context)


def answer(session: Session, text: str) -> Answer:
    """The answer to a read-only command as the terminal sees it (benchmarks and tests)."""
    return handle(session, query.parse(text), Context.cli())


def read(catalog: ReadModel, request: CatalogRead) -> Answer:
    """A question about prices and models, answered from the read model alone."""
    match request:
        case query.HelpRequest():
            return HelpAnswer(commands=HELP, footnote=HELP_FOOTNOTE)
        case query.ListRequest(filter=f, all=every):
            return list_models(catalog, f, retired=every)
        case query.ModelRequest(name=name, workload=w, category=c, all_hosts=every):
            return show_model(catalog, name, w, category_named(c), all_hosts=every)
        case query.CompareRequest(names=names, workload=w, category=c):
            return compare_models(catalog, names, w, category_named(c))
        case query.AlternativesRequest(name=name, workload=w, category=c, all=every):
            return find_alternatives(catalog, name, w, category_named(c) if c else None, every=every)
        case query.ChartRequest(names=names, workload=w, category=c):
            ids = [i for n in names for i in catalog.index.resolve_words(n)]
            ids = list(dict.fromkeys(ids))
            if len(ids) > query.MAX_MODELS:
                raise QueryError(
                    f"I can chart at most {query.MAX_MODELS} models at once; you gave {len(ids)}."
                )
            if len(ids) == 1:
                return find_alternatives(catalog, ids[0], w, category_named(c) if c else None)
            return compare_models(catalog, ids, w, category_named(c))
        case _:
            assert_never(request)


def handle(session: Session, request: Request, context: Context) -> Answer:
    """One catalog call per request type; mypy fails here when a new type has no case."""
    from bot.alerts.outbox import queue_alerts
    from bot.catalog import edits, quality, subscriptions

    match request:
        case (
            query.HelpRequest()
            | query.ListRequest()
            | query.ModelRequest()
            | query.CompareRequest()
            | query.AlternativesRequest()
            | query.ChartRequest()
        ):
            # The same answers as anywhere, from the read model of the session's database.
            bind = session.get_bind()
            return read(current.current(bind if isinstance(bind, Engine) else bind.engine), request)
        case query.HistoryRequest(name=name):
            # From the database: every dated row of the model's history, which the read model doesn't keep.
            return edits.history(session, name)
        case query.AuditRequest():
            from bot.catalog.audit import audit

            return audit(session)
        case query.SyncStatusRequest():
            from bot.sync.run import recent_runs

            return recent_runs(session)
        case query.SubscriptionsRequest():
            return subscriptions.show(session, _channel(context))
        case query.SetPriceRequest(name=name, host=host, prices=prices):
            return edits.set_prices(session, name, host, prices, context.actor, on_change=queue_alerts)
        case query.SetScoreRequest(name=name, category=c, score=score):
            return quality.set_team(session, name, c, score, context.actor)
        case query.AliasRequest(alias=alias, name=name):
            return edits.add_alias(session, alias, name)
        case query.UnaliasRequest(alias=alias):
            return edits.remove_alias(session, alias)
        case query.SubscribeRequest(names=names, min_change_pct=pct):
            return subscriptions.subscribe(session, _channel(context), context.user_id, names, pct)
        case query.UnsubscribeRequest():
            return subscriptions.unsubscribe(session, _channel(context))
        case query.SyncRequest():
            raise NotHereError("`sync` fetches a feed: it runs on its own, not inside a session.")
        case _:
            assert_never(request)


def _fetch(engine: Engine, request: Request, context: Context) -> Answer:
    """Commands that fetch a feed: they own their transactions (bot.sync applies a feed whole)."""
    if not isinstance(request, query.SyncRequest):
        raise NotHereError(f"`{request.kind}` does not fetch anything.")
    if context.feed_url is None:
        raise NotHereError("From a terminal, run `modelcost sync` (or `modelcost sync --dry-run`).")
    from bot.sync.run import sync

    return sync(engine, context.feed_url, dry_run=request.dry_run)


def category_named(name: str | None) -> Category:
    return (find_category(name) if name else None) or OVERALL


def _channel(context: Context) -> str:
    if context.channel_id is None:
        raise NeedsChannelError()
    return context.channel_id
