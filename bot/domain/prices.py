"""Price values and pricing math: USD per 1M tokens, as Decimal, and the cost of a workload.

Also the registry of price keys (`KEYS`): every kind of price the catalog keeps, with its column name,
its labels, the words `set` accepts for it and the genai-prices field it is read from. Every layer
reads these from here; only typed declarations (ORM columns, dataclass and pydantic fields) name the
keys again, and tests/unit/test_price_keys.py checks that they agree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.contract.requests import Workload

MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class PriceKey:
    """One kind of price, in USD per 1M tokens."""

    name: str  # the column, dataclass field and JSON key: "cache_read_mtok"
    label: str  # in a list of moves: "cached input $0.50 → $0.25"
    short: str  # in a price line: "cached $0.50"
    field_label: str  # a Block Kit field title: "Cached input"
    words: tuple[str, ...]  # what `set` accepts; its help names the first
    upstream: str  # the genai-prices price field it is read from
    hint: str | None = None  # said after the first word in `set`'s help: "cached (cache read)"
    offpeak: bool = False  # hosts publish an off-peak price of this kind too, kept as `offpeak_<name>`

    @property
    def offpeak_name(self) -> str:
        return f"offpeak_{self.name}"


INPUT = PriceKey(
    name="input_mtok",
    label="input",
    short="in",
    field_label="Input",
    words=("input", "in"),
    upstream="input_mtok",
    offpeak=True,
)


OUTPUT = PriceKey(
    name="output_mtok",
    label="output",
    short="out",
    field_label="Output",
    words=("output", "out"),
    upstream="output_mtok",
    offpeak=True,
)


CACHE_READ = PriceKey(
    name="cache_read_mtok",
    label="cached input",
    short="cached",
    field_label="Cached input",
    words=("cached", "cache", "cache-read", "cached-input"),
    upstream="cache_read_mtok",
    hint="cache read",
    offpeak=True,
)


CACHE_WRITE = PriceKey(
    name="cache_write_mtok",
    label="cache write",
    short="cache write",
    field_label="Cache write",
    words=("cache-write", "write"),
    upstream="cache_write_mtok",
)


KEYS = (INPUT, OUTPUT, CACHE_READ, CACHE_WRITE)  # the order prices are listed in everywhere


OFFPEAK_KEYS = tuple(k for k in KEYS if k.offpeak)


PRICE_KEYS = tuple(k.name for k in KEYS)  # the names alone, for code that keys dicts by them


WINDOW_SEPARATOR = ","  # between the windows of one off-peak price: "04:00-06:00,10:00-01:00"


@dataclass(frozen=True)
class OffPeak:
    """Cheaper daily hours (DeepSeek's off-peak windows), in UTC, all at one price."""

    window: str  # "16:30-00:30", or several joined by WINDOW_SEPARATOR

    @property
    def windows(self) -> list[str]:
        return split_windows(self.window)

    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None = None

    def values(self) -> dict[str, Decimal | None]:
        return {k.name: getattr(self, k.name) for k in OFFPEAK_KEYS}


def split_windows(window: str) -> list[str]:
    """'04:00-06:00,10:00-01:00' -> ['04:00-06:00', '10:00-01:00']."""
    return [w for w in window.split(WINDOW_SEPARATOR) if w]


def offpeak_columns(offpeak: OffPeak | None) -> dict[str, Decimal | None]:
    """The off-peak prices by column name (`offpeak_input_mtok`, ...); all None without a window."""
    return {k.offpeak_name: getattr(offpeak, k.name) if offpeak else None for k in OFFPEAK_KEYS}


CACHE_WRITE_1H_MTOK = "cache_write_1h_mtok"  # a kind of price kept only among the extras
EXTRA_KINDS = (*PRICE_KEYS, CACHE_WRITE_1H_MTOK)
SERVICES = ("standard", "batch", "flex", "priority")


@dataclass(frozen=True, order=True)
class ExtraPrice:
    """A price beyond an offering's standard four: a long-context tier ("above 200k"), a service tier's
    (batch, flex, priority), the 1-hour cache write. USD per 1M tokens. bot.domain.workloads prices them."""

    key: str  # one of EXTRA_KINDS
    service: str  # one of SERVICES
    above: int  # for prompts of more than this many tokens; 0: every prompt
    mtok: Decimal

    @property
    def code(self) -> str:
        """Its key in JSON: "input_mtok@batch", "output_mtok>272000", "input_mtok@batch>272000"."""
        return (
            self.key
            + ("" if self.service == "standard" else f"@{self.service}")
            + (f">{self.above}" if self.above else "")
        )

    @classmethod
    def of(cls, code: str, mtok: Decimal) -> ExtraPrice:
        head, _, above = code.partition(">")
        key, _, service = head.partition("@")
        if (
            key not in EXTRA_KINDS
            or (service or "standard") not in SERVICES
            or (above and not above.isdecimal())
        ):
            raise ValueError(f"not an extra price: {code!r}")
        return cls(key, service or "standard", int(above or 0), mtok)


def extras_json(extra: tuple[ExtraPrice, ...]) -> dict[str, str] | None:
    """Extras as stored (JSON): code -> decimal string; None when there are none."""
    return {e.code: plain_text(e.mtok) for e in sorted(extra)} or None


def extras_from_json(stored: object) -> tuple[ExtraPrice, ...]:
    if not isinstance(stored, dict):
        return ()
    return tuple(sorted(ExtraPrice.of(str(code), Decimal(str(v))) for code, v in stored.items()))


def plain_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class PriceData:
    """One offering's prices in USD per 1M tokens; None where the host publishes no such price."""

    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None = None
    cache_write_mtok: Decimal | None = None
    offpeak: OffPeak | None = None
    extra: tuple[ExtraPrice, ...] = ()  # long-context tiers, 1-hour cache writes: sorted

    def values(self) -> dict[str, Decimal | None]:
        return {k.name: getattr(self, k.name) for k in KEYS}

    def same_as(self, other: PriceData) -> bool:
        return self.values() == other.values() and self.offpeak == other.offpeak and self.extra == other.extra


@dataclass(frozen=True)
class OfferingData:
    """One model at one host as an upstream source (or an admin) describes it."""

    provider_id: str
    provider_name: str
    provider_model_id: str
    name: str | None
    context_window: int | None
    price: PriceData
    since: date | None = None  # the day the price took effect, where the source says
    deprecated: bool = False  # the source marks the model deprecated by its provider


DEFAULT_WORKLOAD = Workload(input_tokens=10_000_000, output_tokens=2_000_000)


# Decimal("0.1") and the like, made once: a reply rounds a dozen numbers.
_TENTH, _CENT, _TEN_THOUSANDTH = Decimal("0.1"), Decimal("0.01"), Decimal("0.0001")


def pct_change(old: Decimal | None, new: Decimal | None) -> Decimal | None:
    """Percentage change old -> new, to one decimal; None when not defined."""
    if old is None or new is None or old == 0:
        return None
    return ((new - old) / old * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)


def ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """a / b to one decimal (how many times more a costs than b)."""
    if a is None or b is None or b == 0:
        return None
    return (a / b).quantize(_TENTH, rounding=ROUND_HALF_UP)


def fmt_usd(value: Decimal | None) -> str:
    """$2.19, $15, $0.135; '—' when unknown."""
    if value is None:
        return "—"
    return _fmt_usd(value)


# A reply shows a dozen prices and the catalog has a few hundred: each is formatted once. Equal
# Decimals (1.5, 1.50) hash alike and are formatted alike (by value), so either may be the key.
@functools.lru_cache(maxsize=4096)
def _fmt_usd(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"${value.quantize(Decimal(1)):,}"
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"${int(whole):,}.{frac.ljust(2, '0')}"


def fmt_cost(value: Decimal | None) -> str:
    """A workload cost: cents precision for dollars, more digits for tiny sums."""
    if value is None:
        return "—"
    if value >= 1:
        return f"${value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"
    return fmt_usd(value.quantize(_TEN_THOUSANDTH, rounding=ROUND_HALF_UP))


def clean(value: Decimal | None) -> Decimal | None:
    """At most six decimals (what the database keeps), no trailing zeros, never an exponent."""
    if value is None:
        return None
    q = value.quantize(Decimal("0.000001")).normalize()
    exponent = q.as_tuple().exponent
    positive = isinstance(exponent, int) and exponent > 0  # a finite Decimal's exponent is an int
    return q.quantize(Decimal(1)) if positive or q == 0 else q


def plain(value: Decimal | None) -> str | None:
    """A Decimal as a plain string for JSON ('2.19', '15'), or None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text
