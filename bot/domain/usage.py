"""Usage exports, read: which format a file is (from its columns), and its traffic summed per model and
service tier, row by row (memory holds one row and the sums, never the file).

Each format's columns are its publisher's names (tests/fixtures/usage/README.md names the pages), and
each keeps its own convention, turned here into one: `input` is every input token (cache reads and
writes included, as a workload's input is; docs/workloads.md), `cached` the cache reads, `writes_5m`
and `writes_1h` the cache writes.

- OpenAI (usage export, Usage API completions buckets): `input_tokens` INCLUDES `input_cached_tokens`.
- Anthropic (usage report, messages): `uncached_input_tokens` EXCLUDES cache reads and writes, which
  are their own columns (`cache_read_input_tokens`, `cache_creation_5m_input_tokens`, `…_1h_…`).
- LiteLLM proxy spend logs: `prompt_tokens` (cached included, OpenAI's convention), `spend` is billed.
- OpenRouter activity export: `prompt_tokens`, `completion_tokens` (reasoning included), `usage` is
  billed (USD of credits).
- Plain CSV: `model,input_tokens,output_tokens[,cached_tokens,cache_write_tokens]`, the cached tokens
  and cache writes counted in input_tokens (as a workload's are).

Pure: no I/O beyond the lines it is given (the edge opens the file and checks its size).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from bot.contract.errors import UsageFileError
from bot.contract.requests import ServiceTier

MAX_BYTES = 50 * 1024 * 1024  # the largest file read (docs/reprice.md)
# The largest file read from Slack (`/modelcost reprice`), about 280,000 rows of an OpenAI export: a job
# answers it within a minute on a busy worker, long before its response_url (30 minutes) expires.
SHARED_MAX_BYTES = 20 * 1024 * 1024
MAX_KEYS = 2_000  # distinct model x tier pairs summed: memory stays bounded by this, not by the rows


@dataclass
class Totals:
    """One model's traffic in one service tier, summed over the file's rows."""

    input: int = 0  # every input token: uncached, cache reads, cache writes
    output: int = 0
    cached: int = 0  # cache reads (part of input)
    writes_5m: int = 0  # cache writes at the 5-minute price (part of input)
    writes_1h: int = 0  # cache writes at the 1-hour price (part of input)
    requests: int = 0
    rows: int = 0
    billed: Decimal | None = None  # what the file says was billed, where it carries it

    def add(self, row: Row) -> None:
        self.input += row.input
        self.output += row.output
        self.cached += row.cached
        self.writes_5m += row.writes_5m
        self.writes_1h += row.writes_1h
        self.requests += row.requests
        self.rows += 1
        if row.billed is not None:
            self.billed = (self.billed or Decimal(0)) + row.billed


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a usage file, in the one convention (module docstring)."""

    model: str
    tier: ServiceTier
    input: int
    output: int
    cached: int = 0
    writes_5m: int = 0
    writes_1h: int = 0
    requests: int = 0
    billed: Decimal | None = None


@dataclass(frozen=True)
class Format:
    """A usage export's format: its name, the columns that tell it apart, and how a row reads."""

    name: str  # "openai", ...
    label: str  # as answers name it
    needs: frozenset[str]  # every one of these columns is present
    read: Callable[[Reader], Row]


@dataclass
class Usage:
    """A usage file, summed: its format, and per (model id as written, tier) its totals."""

    format: Format
    totals: dict[tuple[str, ServiceTier], Totals] = field(default_factory=dict)
    rows: int = 0


class Reader:
    """Fields of the current row by column name, as numbers, with the line number in errors."""

    def __init__(self, columns: list[str]) -> None:
        self.index = {c: n for n, c in enumerate(columns)}
        self.fields: list[str] = []
        self.line = 0

    def has(self, column: str) -> bool:
        return column in self.index

    def text(self, column: str) -> str:
        n = self.index.get(column)
        return self.fields[n].strip() if n is not None and n < len(self.fields) else ""

    def tokens(self, column: str) -> int:
        """A token count: a whole number, 0 when the column is absent or empty."""
        value = self.text(column)
        if not value:
            return 0
        if value.isdigit():  # the common case, without Decimal's cost
            return int(value)
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise UsageFileError(
                f"Line {self.line}: {column} is {value[:40]!r}, not a number of tokens."
            ) from None
        if not number.is_finite():
            raise UsageFileError(f"Line {self.line}: {column} is {value[:40]}, not a number of tokens.")
        if number < 0:
            raise UsageFileError(f"Line {self.line}: {column} is negative ({value}); token counts can't be.")
        if number != number.to_integral_value():
            raise UsageFileError(f"Line {self.line}: {column} is {value}, not a whole number of tokens.")
        return int(number)

    def usd(self, column: str) -> Decimal | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise UsageFileError(f"Line {self.line}: {column} is {value[:40]!r}, not an amount.") from None
        if not number.is_finite():
            raise UsageFileError(f"Line {self.line}: {column} is {value}, not an amount.")
        return number


_TRUE = frozenset({"true", "1", "yes", "t"})
_TIERS: dict[str, ServiceTier] = {
    "standard": "standard",
    "default": "standard",
    "auto": "standard",
    "": "standard",
    "batch": "batch",
    "flex": "flex",
    "flex_discount": "flex",
    "priority": "priority",
    "priority_on_demand": "priority",
}


def _tier(r: Reader, column: str = "service_tier") -> ServiceTier:
    value = r.text(column).lower()
    if value not in _TIERS:
        raise UsageFileError(
            f"Line {r.line}: {column} is {value[:40]!r}; I read standard, batch, flex and priority."
        )
    return _TIERS[value]


def _openai(r: Reader) -> Row:
    tier: ServiceTier = "batch" if r.text("batch").lower() in _TRUE else _tier(r)
    total, cached = r.tokens("input_tokens"), r.tokens("input_cached_tokens")
    if cached > total:
        raise UsageFileError(
            f"Line {r.line}: input_cached_tokens ({cached:,}) is more than input_tokens ({total:,}), "
            "which includes them in OpenAI's exports."
        )
    return Row(
        r.text("model"),
        tier,
        total,
        r.tokens("output_tokens"),
        cached=cached,
        requests=r.tokens("num_model_requests"),
    )


def _anthropic(r: Reader) -> Row:
    reads, w5, w1h = (
        r.tokens("cache_read_input_tokens"),
        r.tokens("cache_creation_5m_input_tokens"),
        r.tokens("cache_creation_1h_input_tokens"),
    )
    return Row(
        r.text("model"),
        _tier(r),
        r.tokens("uncached_input_tokens") + reads + w5 + w1h,  # uncached EXCLUDES reads and writes
        r.tokens("output_tokens"),
        cached=reads,
        writes_5m=w5,
        writes_1h=w1h,
    )


def _litellm(r: Reader) -> Row:
    total = r.tokens("prompt_tokens")
    cached, writes = r.tokens("cache_read_input_tokens"), r.tokens("cache_creation_input_tokens")
    if cached + writes > total:
        total += cached + writes  # a provider whose prompt_tokens leave them out (Anthropic's way)
    return Row(
        r.text("model"),
        "standard",
        total,
        r.tokens("completion_tokens"),
        cached=cached,
        writes_5m=writes,
        requests=r.tokens("api_requests") if r.has("api_requests") else 1,  # a spend log row is one request
        billed=r.usd("spend"),
    )


def _openrouter(r: Reader) -> Row:
    billed = r.usd("usage")
    byok = r.usd("byok_usage_inference")
    if byok is not None:
        billed = (billed or Decimal(0)) + byok
    return Row(
        r.text("model"),
        "standard",
        r.tokens("prompt_tokens"),
        r.tokens("completion_tokens"),  # reasoning tokens are part of it
        requests=r.tokens("requests"),
        billed=billed,
    )


def _plain(r: Reader) -> Row:
    total, cached, writes = (
        r.tokens("input_tokens"),
        r.tokens("cached_tokens"),
        r.tokens("cache_write_tokens"),
    )
    if cached + writes > total:
        raise UsageFileError(
            f"Line {r.line}: cached_tokens and cache_write_tokens ({cached + writes:,}) are more than "
            f"input_tokens ({total:,}), which counts them."
        )
    return Row(
        r.text("model"),
        "standard",
        total,
        r.tokens("output_tokens"),
        cached=cached,
        writes_5m=writes,
        billed=r.usd("cost_usd"),
    )


# Most specific first: the first format whose columns are all present is the file's.
FORMATS = (
    Format(
        "anthropic",
        "Anthropic usage report",
        frozenset({"model", "uncached_input_tokens", "output_tokens"}),
        _anthropic,
    ),
    Format(
        "openai",
        "OpenAI usage export",
        frozenset({"model", "input_tokens", "output_tokens", "input_cached_tokens"}),
        _openai,
    ),
    Format(
        "openai",
        "OpenAI usage export",
        frozenset({"model", "input_tokens", "output_tokens", "num_model_requests"}),
        _openai,
    ),
    Format(
        "litellm",
        "LiteLLM spend logs",
        frozenset({"model", "prompt_tokens", "completion_tokens", "spend"}),
        _litellm,
    ),
    Format(
        "openrouter",
        "OpenRouter activity export",
        frozenset({"model", "prompt_tokens", "completion_tokens", "usage"}),
        _openrouter,
    ),
    Format(
        "plain",
        "CSV (model, input_tokens, output_tokens)",
        frozenset({"model", "input_tokens", "output_tokens"}),
        _plain,
    ),
)

ACCEPTED = (
    "I read CSV usage exports: OpenAI's (model, input_tokens, output_tokens, input_cached_tokens, "
    "num_model_requests, batch), Anthropic's (model, uncached_input_tokens, cache_read_input_tokens, "
    "cache_creation_5m_input_tokens, cache_creation_1h_input_tokens, output_tokens, service_tier), "
    "LiteLLM's spend logs (model, prompt_tokens, completion_tokens, spend), OpenRouter's activity "
    "(model, prompt_tokens, completion_tokens, usage), or a plain CSV "
    "model,input_tokens,output_tokens[,cached_tokens,cache_write_tokens]."
)


def detect(columns: Iterable[str]) -> Format:
    """The format whose columns the header has (names compared lower-case); UsageFileError if none."""
    have = {c.strip().lower() for c in columns}
    for f in FORMATS:
        if f.needs <= have:
            return f
    if "model" not in have:
        raise UsageFileError(f"The file has no `model` column, so I can't tell whose usage it is. {ACCEPTED}")
    raise UsageFileError(f"I don't recognise these columns as a usage export. {ACCEPTED}")


def read_usage(lines: Iterable[str]) -> Usage:
    """A usage file's traffic, summed per model and tier: the CSV read row by row, never held whole."""
    rows = csv.reader(lines)
    try:
        header = next(rows, None)
        if header is None or not any(h.strip() for h in header):
            raise UsageFileError(f"The file is empty. {ACCEPTED}")
        fmt = detect(header)
        reader = Reader([h.strip().lower() for h in header])
        usage = Usage(fmt)
        for fields in rows:
            reader.line = rows.line_num
            if not any(f.strip() for f in fields):
                continue
            reader.fields = fields
            row = fmt.read(reader)
            if not row.model:
                raise UsageFileError(f"Line {reader.line}: the model is empty.")
            key = (row.model, row.tier)
            totals = usage.totals.get(key)
            if totals is None:
                if len(usage.totals) >= MAX_KEYS:
                    raise UsageFileError(
                        f"The file names more than {MAX_KEYS:,} models and tiers; I stop there."
                    )
                totals = usage.totals[key] = Totals()
            totals.add(row)
            usage.rows += 1
    except csv.Error as exc:
        raise UsageFileError(f"The file is not a CSV I can read ({exc}). {ACCEPTED}") from None
    if not usage.rows:
        raise UsageFileError("The file has a header but no rows of usage.")
    return usage
