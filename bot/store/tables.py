"""ORM tables: providers, canonical models, offerings, append-only price history, aliases,
change batches, and the tables of the alert outbox and the feed sync; and, in oauth mode, the tables
of Slack's installation and OAuth state stores (their schema is slack_sdk's)."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any  # Any: JSON columns (alert payloads, sync summaries), written and read by typed code

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy import Column as C
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.contract.actor import Actor, ActorKind
from bot.domain.workspaces import SHARED

# SQLite keeps NUMERIC as REAL; at 6 decimals and our price bounds the round trip is exact.
warnings.filterwarnings("ignore", r".*does \*not\* support Decimal objects natively", sa_exc.SAWarning)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def workspace_column(*, primary_key: bool = False) -> Mapped[str]:
    """Whose row it is: a workspace's key (bot.domain.workspaces), or SHARED ("") for the catalog's."""
    return mapped_column(String(64), default=SHARED, server_default=SHARED, primary_key=primary_key)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite returns naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(18, 6)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Any: JSON columns (alert payloads, sync summaries), written from typed code and read back by it.
    type_annotation_map = {datetime: UTCDateTime(), Decimal: Money, dict[str, Any]: JSON}


class Provider(Base):
    """A host that serves models through an API (genai-prices provider id)."""

    __tablename__ = "providers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_lab: Mapped[bool] = mapped_column(Boolean, default=False)


class Model(Base):
    """A canonical model: the lab's model, whoever hosts it."""

    __tablename__ = "models"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lab: Mapped[str] = mapped_column(String(100))
    lab_provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    open_weights: Mapped[bool | None] = mapped_column(Boolean)
    license: Mapped[str | None] = mapped_column(String(200))
    release_date: Mapped[date | None] = mapped_column(Date)
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    # The model to point to once this one is retired (data/catalog.toml `successor`).
    successor_id: Mapped[str | None] = mapped_column(ForeignKey("models.id"))
    # text | embedding | image | audio | other (bot.domain.evidence): `list` shows text models.
    kind: Mapped[str] = mapped_column(String(20), default="text", server_default="text")
    # Where open_weights and license came from (bot.domain.evidence), or None for data/catalog.toml's.
    weights_source: Mapped[str | None] = mapped_column(String(300))
    # The model's context window as models.dev gives it: shown where a host's is unknown.
    context_window: Mapped[int | None] = mapped_column(Integer)

    offerings: Mapped[list[Offering]] = relationship(back_populates="model")


class Offering(Base):
    """One model at one host, with that host's model id; its prices are its rows in `prices`,
    the newest (highest id) being the current one."""

    __tablename__ = "offerings"
    __table_args__ = (UniqueConstraint("provider_id", "provider_model_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    provider_model_id: Mapped[str] = mapped_column(String(300))
    model_id: Mapped[str | None] = mapped_column(ForeignKey("models.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    context_window: Mapped[int | None] = mapped_column(Integer)  # all tokens, in and out (genai-prices)
    max_input_tokens: Mapped[int | None] = mapped_column(Integer)  # the prompt's limit, where a source says
    # Gone from the upstream feed (never deleted: history stays); such offerings are not shown.
    retired_at: Mapped[datetime | None]
    # Lifecycle as the sources say (bot.domain.lifecycle): the provider deprecated it (genai-prices'
    # flag), and the day it is (or was) switched off (LiteLLM's deprecation_date); shown, marked.
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    retires_on: Mapped[date | None] = mapped_column(Date)
    provider: Mapped[Provider] = relationship()
    model: Mapped[Model | None] = relationship(back_populates="offerings")


class Change(Base):
    """One change set, written in one transaction: a seed, an admin command or a feed sync."""

    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # seed | admin | sync
    # Who made it, as data (see answers.Actor): never a rendered form such as Slack's <@U123>.
    actor_kind: Mapped[ActorKind] = mapped_column(String(20))  # admin | feed | snapshot
    actor_id: Mapped[str] = mapped_column(String(200))  # U123 or cli; the feed's URL; the snapshot's name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A workspace's admin change is its own (seen and alerted only there); feeds and seeds are SHARED.
    workspace: Mapped[str] = workspace_column()

    @property
    def actor(self) -> Actor:
        return Actor(kind=self.actor_kind, id=self.actor_id)


class Price(Base):
    """A dated price of an offering in USD per 1M tokens. Append-only: a change is a new row."""

    __tablename__ = "prices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    input_mtok: Mapped[Decimal | None]
    output_mtok: Mapped[Decimal | None]
    cache_read_mtok: Mapped[Decimal | None]
    cache_write_mtok: Mapped[Decimal | None]
    offpeak_input_mtok: Mapped[Decimal | None]
    offpeak_output_mtok: Mapped[Decimal | None]
    offpeak_cache_read_mtok: Mapped[Decimal | None]
    offpeak_window: Mapped[str | None] = mapped_column(
        String(100)
    )  # "16:30-00:30" or "04:00-06:00,10:00-01:00" UTC
    # Long-context tiers and 1-hour cache writes (bot.domain.prices.ExtraPrice codes -> decimal strings);
    # None on rows recorded before they were kept (migration 0013).
    extra_prices: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The day the price took effect, where its source says (genai-prices' start_date); else None.
    effective_on: Mapped[date | None] = mapped_column(Date)
    # Who made this price: its change's actor, kept on the row for cheap filters (never replace an admin's).
    source_kind: Mapped[ActorKind] = mapped_column(String(20))  # admin | feed | snapshot
    source_id: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A workspace's own price (an override in its view only), or SHARED: its change's workspace.
    workspace: Mapped[str] = workspace_column()

    offering: Mapped[Offering] = relationship()
    change: Mapped[Change] = relationship()

    @property
    def source(self) -> Actor:
        return Actor(kind=self.source_kind, id=self.source_id)


class Score(Base):
    """A dated quality score of a model in one category, USD-free: LMArena's rating, rounded. Append-only:
    a change is a new row, and the newest row of each (model, category, variant, origin) is current.

    `origin` is `source` (a leaderboard, via the bundled snapshot or the quality feed) or `team` (an
    admin's own judgement, shown as such and preferred while set; a team row with no score is an
    `unset`, returning to the source's). `variant` is "" for the model's default, or a reasoning-effort
    or thinking variant (`thinking-32k`, `high`) that never replaces the default.
    """

    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(80), default="")
    origin: Mapped[str] = mapped_column(String(20))  # source | team
    source: Mapped[str] = mapped_column(String(100))  # "LMArena text"; the team's rows say "team"
    leaderboard_key: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int | None] = mapped_column(Integer)
    score_low: Mapped[int | None] = mapped_column(Integer)  # 95% interval, where the source gives one
    score_high: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The team rows of a workspace's admins are its own; the leaderboard's, and the terminal's, SHARED.
    workspace: Mapped[str] = workspace_column()


class Board(Base):
    """A leaderboard the catalog's scores were taken from: its source ("LMArena text") and the day its
    publisher dated it (LMArena's `leaderboard_publish_date`), one row per board applied (by the seed, an
    upgrade or the quality feed), under the change that applied it, with the keys it lists. The newest is
    the board answers cite and a feed may not go back from; a board without a publish date (LMArena's old
    JSON file) has no row.
    """

    __tablename__ = "boards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    published_on: Mapped[date] = mapped_column(Date)
    # Every model key on the board: a score it did not move is still its score, as of its publish date.
    keys: Mapped[list[str]] = mapped_column(JSON)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alias(Base):
    """A name users type for a model (`r1`, `4o`); stored normalised, unique in the shared catalog and
    within each workspace (a workspace's admins add names for their workspace only)."""

    __tablename__ = "aliases"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    workspace: Mapped[str] = workspace_column(primary_key=True)
    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # curated | admin
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """A channel's wish to hear about price changes (all, some models, or moves above a threshold);
    one per channel in each workspace (a channel shared between workspaces may have one in each)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("workspace", "channel_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace: Mapped[str] = workspace_column()
    channel_id: Mapped[str] = mapped_column(String(40))
    model_ids: Mapped[list[str] | None] = mapped_column(JSON)  # None: every model (unless families)
    # Families followed, present and future members (data/catalog.toml `family` slugs: claude-sonnet).
    families: Mapped[list[str] | None] = mapped_column(JSON)
    min_change_pct: Mapped[Decimal | None]
    # The digest (bot.alerts.digests): None, "weekly" or "daily"; posted at digest_time (HH:MM) in
    # digest_tz, on digest_weekday (0 = Monday) when weekly; digest_only: no per-change alerts.
    digest: Mapped[str | None] = mapped_column(String(10))
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    digest_tz: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    digest_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    digest_until: Mapped[datetime | None]  # the end of the last period a digest covered
    # As the last digest saw it: followed model id -> its cheapest comparable open alternative's id.
    digest_state: Mapped[dict[str, Any] | None]
    # active | disabled (unsubscribed, or the app was uninstalled) | broken (deliveries failing)
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """The outbox: one digest message per channel per change, written with the change itself; or, with
    no change, a lifecycle notice or a periodic digest (payload `type`), queued by the worker's pass."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("change_id", "subscription_id"),
        # A channel's alerts in order: the claims ask, for each due alert, whether an older one of its
        # channel is unfinished (with a fan-out's thousands due at once, one index probe each).
        Index("ix_alerts_channel_id_id", "channel_id", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("changes.id"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    workspace: Mapped[str] = workspace_column()  # the subscription's: its token posts the alert
    channel_id: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(
        String(20), default="pending", index=True
    )  # pending|sent|failed|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)  # the claims' "sent too recently"


class Pacing(Base):
    """Per workspace, the earliest time the alerts worker may post there again (bot.store.pacing): after
    each post, the workspace's pace; after a 429, Slack's Retry-After. Slack limits chat.postMessage per
    workspace, so every worker process reads the same row."""

    __tablename__ = "pacing"
    workspace: Mapped[str] = workspace_column(primary_key=True)
    not_before: Mapped[datetime]


class Notice(Base):
    """What a channel was already told about a model it follows: `deprecated`, a countdown stage
    (`30d:2026-12-11`: 30 days before that retirement day), or a digest period's mark. One row each,
    unique, so two workers can never queue the same notice twice; `alert_id` is the message that told
    it (None: said in the subscribe reply, or passed over by a later stage when catching up)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("subscription_id", "model_id", "notice"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    model_id: Mapped[str] = mapped_column(String(200))
    notice: Mapped[str] = mapped_column(String(60))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamWorkload(Base):
    """A team's default workload (`set workload 50M in 5M out, 20% cached`), used by every question that
    gives none. Append-only: the newest row of a workspace is in force; `unset workload` adds one
    with no spec."""

    __tablename__ = "team_workloads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace: Mapped[str] = workspace_column()
    spec: Mapped[str | None] = mapped_column(String(1000))  # as bot.domain.query.parse_workload reads it
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)

    change: Mapped[Change] = relationship()


class RepriceJob(Base):
    """`/modelcost reprice` waiting for the worker (issue 29): whose file, where and how to answer. Never
    the file's content, rows or answer: the worker reads the file from Slack when it runs the job, and
    deletes the row once it has answered (or once its response_url, good for 30 minutes, is dead)."""

    __tablename__ = "reprice_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace: Mapped[str] = workspace_column()  # its installation's token reads the file
    user_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[str] = mapped_column(String(40))
    file_id: Mapped[str | None] = mapped_column(String(40))  # None: the user's newest file in the channel
    on_models: Mapped[list[str]] = mapped_column(JSON)  # model names as typed (`--on`)
    category: Mapped[str | None] = mapped_column(String(40))  # `--for`: a Category.name
    share: Mapped[bool] = mapped_column(Boolean, default=False)  # the answer goes to the channel
    # Slack's response_url (a credential for 30 minutes): encrypted under MODELCOST_TOKEN_KEY when set.
    response_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)  # pending | running
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)  # running: the lease's end
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Departure(Base):
    """A workspace the app was uninstalled from (or whose bot token was revoked), and when: its rows are
    deleted MODELCOST_RETENTION_DAYS later (bot/store/retention.py), unless the app is installed there
    again first, which deletes this row. The first uninstall counts: a second event doesn't postpone it."""

    __tablename__ = "departures"
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    uninstalled_at: Mapped[datetime]


class CrosscheckFact(Base):
    """What the second source (LiteLLM's price file) says of one offering, as the last applied
    cross-check sync left it: the whole set is replaced by each applied sync (bot.store.crosscheck).
    Keyed by the offering's (provider id, provider model id), as the bundled extract is."""

    __tablename__ = "crosscheck_facts"
    __table_args__ = (UniqueConstraint("provider_id", "provider_model_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(64))
    provider_model_id: Mapped[str] = mapped_column(String(300))
    litellm_key: Mapped[str] = mapped_column(String(300))
    input_mtok: Mapped[Decimal | None]
    output_mtok: Mapped[Decimal | None]
    cache_read_mtok: Mapped[Decimal | None]
    max_input_tokens: Mapped[int | None] = mapped_column(Integer)
    max_output_tokens: Mapped[int | None] = mapped_column(Integer)
    deprecation_date: Mapped[date | None] = mapped_column(Date)
    # LiteLLM's tier, service-tier and cache-write prices (ExtraPrice codes -> decimal strings).
    extra_prices: Mapped[dict[str, str] | None] = mapped_column(JSON)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)


class SyncRun(Base):
    """One attempt to sync from the feed: what it found, and whether it was applied or rejected."""

    __tablename__ = "sync_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A bot.domain.feeds name: prices | quality | crosscheck
    feed: Mapped[str] = mapped_column(String(20), default="prices", server_default="prices")
    url: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20))  # applied | unchanged | rejected | failed | dry-run
    etag: Mapped[str | None] = mapped_column(String(300))
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("changes.id"))
    summary: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)


# Slack's installations, bots and OAuth states, as slack_sdk's SQLAlchemyInstallationStore and
# SQLAlchemyOAuthStateStore (3.48) define and query them (bot/slack/oauth.py uses those stores).
# They are declared here, with naive UTC datetimes as the stores write them, so that migration 0007
# creates them and the migration tests hold them to this schema like every other table; the catalog
# never reads them, and tests/db/test_slack_tables.py checks this copy against slack_sdk's own.
# The columns that hold credentials (SLACK_SECRETS) are Text instead of slack_sdk's String(200): they
# hold Fernet ciphertext (bot/slackapi/tokens.py, migration 0008), longer than the token: a 162-character
# token takes 312.
SLACK_INSTALLATIONS = Table(
    "slack_installations",
    Base.metadata,
    C("id", Integer, primary_key=True, autoincrement=True),
    C("client_id", String(32), nullable=False),
    C("app_id", String(32), nullable=False),
    C("enterprise_id", String(32)),
    C("enterprise_name", String(200)),
    C("enterprise_url", String(200)),
    C("team_id", String(32)),
    C("team_name", String(200)),
    C("bot_token", Text),
    C("bot_id", String(32)),
    C("bot_user_id", String(32)),
    C("bot_scopes", String(1000)),
    C("bot_refresh_token", Text),
    C("bot_token_expires_at", DateTime),
    C("user_id", String(32), nullable=False),
    C("user_token", Text),
    C("user_scopes", String(1000)),
    C("user_refresh_token", Text),
    C("user_token_expires_at", DateTime),
    C("incoming_webhook_url", Text),
    C("incoming_webhook_channel", String(200)),
    C("incoming_webhook_channel_id", String(200)),
    C("incoming_webhook_configuration_url", String(200)),
    C("is_enterprise_install", Boolean, nullable=False),
    C("token_type", String(32)),
    C("installed_at", DateTime, nullable=False),
    Index("slack_installations_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)
SLACK_BOTS = Table(
    "slack_bots",
    Base.metadata,
    C("id", Integer, primary_key=True, autoincrement=True),
    C("client_id", String(32), nullable=False),
    C("app_id", String(32), nullable=False),
    C("enterprise_id", String(32)),
    C("enterprise_name", String(200)),
    C("team_id", String(32)),
    C("team_name", String(200)),
    C("bot_token", Text),
    C("bot_id", String(32)),
    C("bot_user_id", String(32)),
    C("bot_scopes", String(1000)),
    C("bot_refresh_token", Text),
    C("bot_token_expires_at", DateTime),
    C("is_enterprise_install", Boolean, nullable=False),
    C("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
# The credentials among those columns: bots' and installers' tokens and refresh tokens, and the incoming
# webhook's URL (anyone holding it can post to its channel). Stored encrypted; never filtered on.
SLACK_SECRETS: dict[str, tuple[str, ...]] = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}
SLACK_OAUTH_STATES = Table(
    "slack_oauth_states",
    Base.metadata,
    C("id", Integer, primary_key=True, autoincrement=True),
    C("state", String(200), nullable=False),
    C("expire_at", DateTime, nullable=False),
)

# Which installations changed, for the web workers that keep them in memory (bot/slack/authorize.py):
# every insert, update or delete of a row of slack_installations or slack_bots adds a row here, in the
# same transaction, by a trigger (migration 0016; bot/store/installations.py says why versions come in
# commit order, with no gap). INSTALLATION_VERSION holds the last version handed out, in one row.
INSTALLATION_VERSION = Table(
    "installation_version",
    Base.metadata,
    C("id", Integer, primary_key=True, autoincrement=False),
    C("version", BigInteger, nullable=False),
)
INSTALLATION_CHANGES = Table(
    "installation_changes",
    Base.metadata,
    C("version", BigInteger, primary_key=True, autoincrement=False),
    C("enterprise_id", String(32)),
    C("team_id", String(32)),
    C("changed_at", DateTime, nullable=False),  # naive UTC, as the Slack tables'
)
