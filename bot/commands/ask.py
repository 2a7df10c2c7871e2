"""A typed request -> a typed answer: the one place that decides who may run a command and how it runs.
Used by the CLI and by Slack.

Questions about prices and models (compare, a model card, alternatives, list, help) are answered
from the in-memory read model (bot.read.current) with no database round trip; other reads run in
a read-only session that is rolled back (asking never changes the catalog); changes run in one
transaction each, with their alerts queued in it, and this process's next read sees them at once.
What a request needs (an admin, a channel, a transaction, the network) is read from its type
(bot.contract.requests), never from a list kept here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import db
from bot.contract import requests
from bot.contract.actor import CLI_USER, Actor
from bot.contract.answers import Answer, SubscriptionAnswer
from bot.contract.errors import (
    ForeignUserError,
    NeedsChannelError,
    NotAdminError,
    NotHereError,
    OperatorOnlyError,
)
from bot.contract.requests import CatalogRead, Request
from bot.domain import countdowns, query
from bot.domain.workspaces import SHARED
from bot.feeds import prices
from bot.read import current, history
from bot.read.audit import audit
from bot.read.lifecycle import alternatives_state, deprecated_notes, kept_state
from bot.read.questions import read
from bot.read.syncs import recent_runs
from bot.store import edits, notices, scores, subscriptions, workloads
from bot.store.outbox import queue_alerts
from bot.store.tables import utcnow
from bot.store.workloads import team_workload


@dataclass(frozen=True)
class Context:
    """Who asks, and where. There is no default: build it with `Context.cli()` (the local operator, an
    admin by having the database) or `Context.slack(...)` (a Slack user, an admin only if Slack or
    MODELCOST_ADMIN_USERS says so, asked only when a command needs it)."""

    user_id: str
    channel_id: str | None
    admin_check: Callable[[], bool]
    feed_url: str | None = None  # where `sync` fetches from; None: this surface doesn't run sync
    # Whose view of the catalog: a workspace's (its overrides, subscriptions and alerts), or SHARED.
    workspace: str = SHARED
    # Whether the user is one of the workspace's own (False: a user of another team, in a channel shared
    # through Slack Connect); asked only when a command changes something.
    member_check: Callable[[], bool] = lambda: True
    # May act on the catalog every workspace shares (`sync`): the terminal, and Slack in single mode (one
    # workspace, the operator's own); never one workspace of many (oauth mode).
    shared_catalog: bool = True

    @classmethod
    def cli(cls, workspace: str = SHARED) -> Context:
        """The terminal's operator: the shared catalog, or one workspace's view (`--team`)."""
        return cls(user_id=CLI_USER, channel_id=None, admin_check=lambda: True, workspace=workspace)

    @classmethod
    def slack(
        cls,
        user_id: str,
        channel_id: str | None,
        is_admin: Callable[[str], bool] | None,
        *,
        is_member: Callable[[str], bool] | None = None,
        feed_url: str | None = None,
        workspace: str = SHARED,
    ) -> Context:
        """`is_admin` None: nobody can be asked, so nobody is one; `is_member` None: everyone is one.
        A workspace other than SHARED is one of many (oauth mode): the shared catalog is not its."""

        def check() -> bool:
            return bool(user_id) and is_admin is not None and is_admin(user_id)

        def member() -> bool:
            return is_member is None or is_member(user_id)

        return cls(
            user_id=user_id,
            channel_id=channel_id or None,
            admin_check=check,
            feed_url=feed_url,
            workspace=workspace,
            member_check=member,
            shared_catalog=workspace == SHARED,
        )

    @property
    def actor(self) -> Actor:
        """Who makes a change: an admin, by Slack user id ("cli" for the terminal operator)."""
        return Actor(kind="admin", id=self.user_id)


def respond(engine: Engine, text: str, context: Context) -> Answer:
    """Any command as text: parsed once, then `respond_to`."""
    return respond_to(engine, query.parse(text), context)


def check(request: Request, context: Context) -> None:
    """Raise the refusal the request gets in this context, if any; nothing has run yet. Slack is asked
    about the user only for a command that changes something or needs an admin."""
    if request.shared and not context.shared_catalog:
        raise OperatorOnlyError()
    if (request.writes or request.admin_only) and not context.member_check():
        raise ForeignUserError()
    if request.admin_only and not context.admin_check():
        raise NotAdminError()
    if request.needs_channel and context.channel_id is None:
        raise NeedsChannelError()


def respond_to(engine: Engine, request: Request, context: Context) -> Answer:
    """Run a request: check what its type needs, then run it read-only or in one transaction."""
    check(request, context)
    if isinstance(request, CatalogRead):
        return read(current.current(engine, context.workspace), request)
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


def handle(session: Session, request: Request, context: Context) -> Answer:
    """One catalog call per request type; mypy fails here when a new type has no case."""
    workspace = context.workspace
    match request:
        case (
            requests.HelpRequest()
            | requests.ListRequest()
            | requests.ModelRequest()
            | requests.CompareRequest()
            | requests.AlternativesRequest()
            | requests.ChartRequest()
        ):
            # The same answers as anywhere, from the read model of the session's database.
            bind = session.get_bind()
            engine = bind if isinstance(bind, Engine) else bind.engine
            return read(current.current(engine, workspace), request)
        case requests.HistoryRequest(name=name):
            # From the database: every dated row of the model's history, which the read model doesn't keep.
            return history.history(session, name, workspace=workspace)
        case requests.AuditRequest():
            return audit(session, workspace=workspace)
        case requests.SyncStatusRequest():
            return recent_runs(session)
        case requests.SubscriptionsRequest():
            return subscriptions.show(session, _channel(context), workspace)
        case requests.SetPriceRequest(name=name, host=host, prices=prices):
            return edits.set_prices(
                session, name, host, prices, context.actor, on_change=queue_alerts, workspace=workspace
            )
        case requests.SetScoreRequest(name=name, category=c, score=score):
            return scores.set_team(session, name, c, score, context.actor, workspace)
        case requests.SetWorkloadRequest(spec=spec):
            return workloads.set_team_workload(session, spec, context.actor, workspace)
        case requests.AliasRequest(alias=alias, name=name):
            return edits.add_alias(session, alias, name, workspace)
        case requests.UnaliasRequest(alias=alias):
            return edits.remove_alias(session, alias, workspace)
        case requests.SubscribeRequest():
            return _subscribe(session, request, context)
        case requests.DigestRequest(schedule=schedule, weekday=weekday, at=at, tz=tz):
            sub = subscriptions.set_digest(
                session, _channel(context), schedule, weekday, at, tz, utcnow(), workspace
            )
            if schedule is not None and sub.digest_state is None:
                # The alternatives as of now, so the first digest can say which changed.
                catalog = current.current(_engine(session), workspace)
                ids = subscriptions.followed(sub) or []
                sub.digest_state = kept_state(
                    alternatives_state(catalog, ids, team_workload(session, workspace))
                )
            return SubscriptionAnswer(action="subscribed", subscription=subscriptions.view(sub))
        case requests.AlertsModeRequest(digest_only=digest_only):
            sub = subscriptions.set_digest_only(session, _channel(context), digest_only, workspace)
            return SubscriptionAnswer(action="subscribed", subscription=subscriptions.view(sub))
        case requests.UnsubscribeRequest():
            return subscriptions.unsubscribe(session, _channel(context), workspace)
        case requests.SyncRequest():
            raise NotHereError("`sync` fetches a feed: it runs on its own, not inside a session.")
        case requests.RepriceRequest():
            # Slack queues it as a job the worker runs (bot.slack.reprice); it has no file to read here.
            raise NotHereError(
                "`reprice` reads a usage file: in Slack, share the file with the app and run "
                "`/modelcost reprice`; in a terminal, `modelcost reprice usage.csv`."
            )
        case _:
            assert_never(request)


def _subscribe(session: Session, request: requests.SubscribeRequest, context: Context) -> Answer:
    """Subscribe, and say which followed models are already deprecated: the reply tells it, so those
    notices (and the countdown stages already passed) are marked as told (bot.domain.countdowns)."""
    workspace = context.workspace
    sub = subscriptions.subscribe(
        session,
        _channel(context),
        context.user_id,
        request.names,
        request.min_change_pct,
        workspace,
        families=request.families,
        instead_of=request.instead_of,
    )
    ids = subscriptions.followed(sub)
    deprecated = []
    if ids:
        catalog = current.current(_engine(session), workspace)
        deprecated = deprecated_notes(catalog, ids, team_workload(session, workspace))
        known = notices.told(session, sub.id)
        for note in deprecated:
            told = known.get(note.model_id, frozenset())
            due = countdowns.due("deprecated", note.retires_on, catalog.on, told)
            notices.mark(session, sub.id, note.model_id, due.keys if due else (), alert_id=None)
    return SubscriptionAnswer(
        action="subscribed", subscription=subscriptions.view(sub), deprecated=deprecated
    )


def _fetch(engine: Engine, request: Request, context: Context) -> Answer:
    """Commands that fetch a feed: they own their transactions (bot.feeds applies a feed whole)."""
    if not isinstance(request, requests.SyncRequest):
        raise NotHereError(f"`{request.kind}` does not fetch anything.")
    if context.feed_url is None:
        raise NotHereError("From a terminal, run `modelcost sync` (or `modelcost sync --dry-run`).")

    return prices.FEED.sync(engine, context.feed_url, dry_run=request.dry_run)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _channel(context: Context) -> str:
    if context.channel_id is None:
        raise NeedsChannelError()
    return context.channel_id
