"""The requests a command's text parses into (bot.domain.query), each with the facts every layer asks of
it (writes, admin_only, cacheable, ...), and the workload a question may carry.
"""

# No `from __future__ import annotations` here: pydantic would compile and eval every field's
# annotation string when the requests' classes are made, a few ms of each cold `modelcost ask`.

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_MODELS = 6


ServiceTier = Literal["standard", "batch", "flex", "priority"]


@dataclass(frozen=True)
class Workload:
    """Tokens of a job (bot.domain.workloads prices it; docs/workloads.md says what each part means).

    `cached_share` of the input is read from the prompt cache; the cache writes are part of the input
    too (the rest is uncached input). `prompt_tokens` is the size of one whole prompt, cached part
    included: it picks the long-context tier for all of the workload's input and output. Output
    includes reasoning tokens, as labs bill them.
    """

    input_tokens: int
    output_tokens: int
    cached_share: Decimal = Decimal(0)
    cache_write_tokens: int = 0  # written to the prompt cache at the 5-minute price
    cache_write_1h_tokens: int = 0  # written at the 1-hour price
    prompt_tokens: int | None = None  # one prompt's size; None: ordinary prompts (the base tier)
    service_tier: ServiceTier = "standard"
    offpeak: bool = False  # run in the host's off-peak hours, where it has them

    @property
    def plain(self) -> bool:
        """Only volumes and a cached share: priced at the base tier, as before issue 27."""
        return (
            not self.cache_write_tokens
            and not self.cache_write_1h_tokens
            and self.prompt_tokens is None
            and self.service_tier == "standard"
            and not self.offpeak
        )


class _Request(BaseModel):
    """A parsed command. Its class says what running it takes; every layer asks these facts instead
    of keeping its own list of kinds."""

    # Schemas are built on first use (a cold CLI parses one kind of request).
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    writes: ClassVar[bool] = False  # changes the catalog: runs in a transaction of its own
    admin_only: ClassVar[bool] = False  # only an admin may run it
    cacheable: ClassVar[bool] = False  # the answer depends only on the text and the catalog
    needs_channel: ClassVar[bool] = False  # belongs to a Slack channel (subscriptions)
    fetches: ClassVar[bool] = False  # reaches out to a feed over the network (sync)
    # Acts on the catalog every workspace shares, whoever asks (sync): in oauth mode, the operator's
    # terminal only (see bot.commands.ask.Context.shared_catalog).
    shared: ClassVar[bool] = False
    chart_only: ClassVar[bool] = False  # the reply is the answer's chart, not its text
    # Answers a file shared in Slack, by a job the worker runs (reprice): queued by the slash command,
    # answered later through its response_url, never in the ack nor from the reply cache.
    reads_file: ClassVar[bool] = False


class HelpRequest(_Request):
    kind: Literal["help"] = "help"
    cacheable = True


class ListRequest(_Request):
    kind: Literal["list"] = "list"
    filter: str | None = None
    all: bool = False  # `list all`, `list all openai`: retired models too
    cacheable = True


class ModelRequest(_Request):
    kind: Literal["model"] = "model"
    name: str
    workload: Workload | None = None
    category: str | None = None  # Category.name: quality in that category (`o1 for coding`)
    all_hosts: bool = False  # `r1 hosts`: every live host, not the cheapest five
    cacheable = True


class CompareRequest(_Request):
    kind: Literal["compare"] = "compare"
    names: list[str] = Field(min_length=2, max_length=MAX_MODELS)
    workload: Workload | None = None
    category: str | None = None
    cacheable = True


class AlternativesRequest(_Request):
    kind: Literal["alternatives"] = "alternatives"
    name: str
    workload: Workload | None = None
    category: str | None = None  # rank by this category's score (`cheaper sonnet for coding`)
    all: bool = False  # every comparable model (`cheaper o1 --all`), not just the best few
    cacheable = True


class HistoryRequest(_Request):
    kind: Literal["history"] = "history"
    name: str
    cacheable = True


class ChartRequest(_Request):
    """`chart r1 o1 sonnet`: the cost-vs-quality chart itself. The names may be separated by spaces
    alone (the catalog splits them, as for `subscribe`); one model charts it against cheaper ones."""

    kind: Literal["chart"] = "chart"
    names: list[str] = Field(min_length=1, max_length=MAX_MODELS)
    workload: Workload | None = None
    category: str | None = None
    cacheable = True
    chart_only = True


class SetPriceRequest(_Request):
    """Admin: `set o1 input 15 output 60 cached 7.5`, `set r1 at together input 3 output 7`."""

    kind: Literal["set"] = "set"
    name: str
    host: str | None = None
    prices: dict[str, Decimal]  # price key (input_mtok, ...) -> USD per 1M tokens
    writes = True
    admin_only = True


class SetScoreRequest(_Request):
    """Admin: the team's own quality score, `set sonnet score 1460`, `set sonnet coding score 1490`;
    `unset sonnet score` (score None) returns to the leaderboard's."""

    kind: Literal["set-score"] = "set-score"
    name: str
    category: str  # Category.name
    score: int | None
    writes = True
    admin_only = True


class SetWorkloadRequest(_Request):
    """Admin: the team's default workload, `set workload 50M in 5M out, 20% cached`; `unset workload`
    (spec None) removes it. `spec` is the workload as written (validated by the parser)."""

    kind: Literal["set-workload"] = "set-workload"
    spec: str | None
    writes = True
    admin_only = True


class AliasRequest(_Request):
    kind: Literal["alias"] = "alias"
    alias: str
    name: str
    writes = True
    admin_only = True


class UnaliasRequest(_Request):
    kind: Literal["unalias"] = "unalias"
    alias: str
    writes = True
    admin_only = True


class SubscribeRequest(_Request):
    kind: Literal["subscribe"] = "subscribe"
    names: list[str] = []  # empty: every model (unless families)
    min_change_pct: Decimal | None = None
    families: list[str] = []  # `subscribe family sonnet`: its members, present and future
    instead_of: str | None = None  # `subscribe gpt-5.5 instead of o3`: swap one followed model
    writes = True
    needs_channel = True


class UnsubscribeRequest(_Request):
    kind: Literal["unsubscribe"] = "unsubscribe"
    writes = True
    needs_channel = True


class DigestRequest(_Request):
    """`subscribe digest weekly friday 16:00 Europe/Berlin`, `subscribe digest daily`; `unsubscribe
    digest` (schedule None)."""

    kind: Literal["digest"] = "digest"
    schedule: Literal["weekly", "daily"] | None  # None: no digest
    weekday: int = 0  # 0 = Monday
    at: str = "09:00"  # HH:MM in `tz`
    tz: str = "UTC"  # an IANA zone (zoneinfo)
    writes = True
    needs_channel = True


class AlertsModeRequest(_Request):
    """`alerts digest-only`: no per-change alerts, the digest only; `alerts every change` undoes it."""

    kind: Literal["alerts-mode"] = "alerts-mode"
    digest_only: bool
    writes = True
    needs_channel = True


class SubscriptionsRequest(_Request):
    kind: Literal["subscriptions"] = "subscriptions"
    needs_channel = True


class SyncRequest(_Request):
    kind: Literal["sync"] = "sync"
    dry_run: bool = False
    writes = True
    admin_only = True
    fetches = True
    shared = True


class AuditRequest(_Request):
    """Admins: where the prices disagree with the second source, and retired offerings still listed."""

    kind: Literal["audit"] = "audit"
    admin_only = True


class SyncStatusRequest(_Request):
    kind: Literal["sync-status"] = "sync-status"


class RepriceRequest(_Request):
    """`reprice --on deepseek-v4-pro,kimi-k2.6 --for coding`, in Slack: the usage file the user shared
    with the app, re-priced (docs/reprice.md). Read and priced by a job the worker runs, never in the
    request nor from the reply cache; the terminal has `modelcost reprice FILE` instead."""

    kind: Literal["reprice"] = "reprice"
    on: list[str] = Field(default=[], max_length=MAX_MODELS)  # names as typed: all the traffic on each
    category: str | None = None  # Category.name: comparable by this task's score
    reads_file = True


# Every command there is. `match` over it ends in `assert_never`, so `make lint` fails wherever a new
# member is not handled (mypy there, and .ci/dispatch.py over the real handlers).
Request = (
    HelpRequest
    | ListRequest
    | ModelRequest
    | CompareRequest
    | AlternativesRequest
    | HistoryRequest
    | ChartRequest
    | SetPriceRequest
    | SetScoreRequest
    | SetWorkloadRequest
    | AliasRequest
    | UnaliasRequest
    | SubscribeRequest
    | UnsubscribeRequest
    | DigestRequest
    | AlertsModeRequest
    | SubscriptionsRequest
    | SyncRequest
    | SyncStatusRequest
    | AuditRequest
    | RepriceRequest
)


# Questions about prices and models: answered from the in-memory read model (bot.read.current),
# never from a database session. Each is `cacheable` too (tests/unit/test_requests.py states each
# type's facts).
CatalogRead = HelpRequest | ListRequest | ModelRequest | CompareRequest | AlternativesRequest | ChartRequest
