"""Price values and pricing math: USD per 1M tokens, as Decimal, and the cost of a workload."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

MILLION = Decimal(1_000_000)
PRICE_KEYS = ("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok")


@dataclass(frozen=True)
class OffPeak:
    """A cheaper daily window (DeepSeek's off-peak hours), in UTC."""

    window: str  # "16:30-00:30"
    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None = None


@dataclass(frozen=True)
class PriceData:
    """One offering's prices in USD per 1M tokens; None where the host publishes no such price."""

    input_mtok: Decimal | None
    output_mtok: Decimal | None
    cache_read_mtok: Decimal | None = None
    cache_write_mtok: Decimal | None = None
    offpeak: OffPeak | None = None

    def values(self) -> dict[str, Decimal | None]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "offpeak"}

    def same_as(self, other: PriceData) -> bool:
        return self.values() == other.values() and self.offpeak == other.offpeak


@dataclass(frozen=True)
class OfferingData:
    """One model at one host as an upstream source (or an admin) describes it."""

    provider_id: str
    provider_name: str
    provider_model_id: str
    name: str | None
    context_window: int | None
    price: PriceData


@dataclass(frozen=True)
class Workload:
    """Tokens of a job; `cached_share` of the input is read from the prompt cache."""

    input_tokens: int
    output_tokens: int
    cached_share: Decimal = Decimal(0)


DEFAULT_WORKLOAD = Workload(input_tokens=10_000_000, output_tokens=2_000_000)


def workload_cost(price: PriceData, workload: Workload) -> Decimal | None:
    """USD for the workload at these prices; None when a needed price is unknown."""
    if price.input_mtok is None or (workload.output_tokens and price.output_mtok is None):
        return None
    cached_in = Decimal(workload.input_tokens) * workload.cached_share
    fresh_in = Decimal(workload.input_tokens) - cached_in
    cache_rate = price.cache_read_mtok if price.cache_read_mtok is not None else price.input_mtok
    total = fresh_in * price.input_mtok + cached_in * cache_rate
    total += Decimal(workload.output_tokens) * (price.output_mtok or Decimal(0))
    return Decimal(format((total / MILLION).normalize(), "f"))


def pct_change(old: Decimal | None, new: Decimal | None) -> Decimal | None:
    """Percentage change old -> new, to one decimal; None when not defined."""
    if old is None or new is None or old == 0:
        return None
    return ((new - old) / old * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """a / b to one decimal (how many times more a costs than b)."""
    if a is None or b is None or b == 0:
        return None
    return (a / b).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fmt_usd(value: Decimal | None) -> str:
    """$2.19, $15, $0.135; '—' when unknown."""
    if value is None:
        return "—"
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
        return f"${value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    return fmt_usd(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def clean(value: Decimal | None) -> Decimal | None:
    """At most six decimals (what the database keeps), no trailing zeros, never an exponent."""
    if value is None:
        return None
    q = value.quantize(Decimal("0.000001")).normalize()
    return q.quantize(Decimal(1)) if q.as_tuple().exponent > 0 or q == 0 else q  # type: ignore[operator]


def plain(value: Decimal | None) -> str | None:
    """A Decimal as a plain string for JSON ('2.19', '15'), or None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text
