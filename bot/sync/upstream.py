"""genai-prices data (its bundled snapshot, or its published v2 JSON feed) -> OfferingData.

Only facts are taken: ids, names, context windows and prices. The feed is validated whole with
pydantic before anything uses it; a shape we do not expect raises FeedError.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from bot.catalog.prices import INPUT, KEYS, OFFPEAK_KEYS, OfferingData, OffPeak, PriceData, clean

# A price above this (USD per 1M tokens) is a mistake in the data, not a price.
MAX_PRICE_MTOK = Decimal(10_000)


class FeedError(ValueError):
    """The feed is not what we expect; nothing from it may be applied."""


class _Tier(BaseModel):
    start: int
    price: Decimal


class _Tiered(BaseModel):
    base: Decimal
    tiers: list[_Tier]


_Value = Decimal | _Tiered


class _Prices(BaseModel):
    """The price fields we read (each key's `upstream` in bot.catalog.prices.KEYS), validated."""

    model_config = ConfigDict(extra="allow")
    input_mtok: _Value | None = None
    output_mtok: _Value | None = None
    cache_read_mtok: _Value | None = None
    cache_write_mtok: _Value | None = None


class _Constraint(BaseModel):
    start_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None


class _Conditional(BaseModel):
    constraint: _Constraint | None = None
    prices: _Prices


class _Model(BaseModel):
    id: str = Field(min_length=1, max_length=300)
    name: str | None = Field(default=None, max_length=300)
    context_window: int | None = Field(default=None, ge=0)
    deprecated: bool | None = None
    prices: _Prices | Annotated[list[_Conditional], Field(min_length=1)]


class _Provider(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    models: list[_Model]


class _Feed(RootModel[list[_Provider]]):
    root: list[_Provider] = Field(min_length=1)


@dataclass(frozen=True)
class _Option:
    """One of a model's prices and the condition under which it applies."""

    start_date: date | None
    window: tuple[time, time] | None
    prices: dict[str, Decimal | None]


def parse_feed(raw: Any, *, today: date | None = None) -> list[OfferingData]:
    """Validate a decoded v2 feed whole and turn it into offerings; FeedError if anything is off."""
    try:
        feed = _Feed.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FeedError(
            f"the feed is not the expected shape ({exc.error_count()} errors; first at {where}: "
            f"{first['msg']})"
        ) from None
    return _collect(feed.root, today)


def from_snapshot(providers: Iterable[Any] | None = None, *, today: date | None = None) -> list[OfferingData]:
    """Offerings from genai-prices' bundled snapshot (its Provider dataclasses)."""
    if providers is None:
        from genai_prices.data import providers as bundled

        providers = bundled
    return _collect(providers, today)


def _collect(providers: Iterable[Any], today: date | None) -> list[OfferingData]:
    """Offerings from providers of either source: the feed's validated models and the snapshot's
    dataclasses have the same shape (a model's prices, or a list of prices with constraints)."""
    out: list[OfferingData] = []
    for provider in providers:
        for model in provider.models:
            conds = (
                model.prices
                if isinstance(model.prices, list)
                else [_Conditional.model_construct(prices=model.prices)]
            )
            options = [
                _Option(
                    getattr(c.constraint, "start_date", None),
                    _window(c.constraint),
                    {k.name: _base(getattr(c.prices, k.upstream, None)) for k in KEYS},
                )
                for c in conds
            ]
            offering = _offering(
                provider.id, provider.name, model.id, model.name, model.context_window, options, today
            )
            if offering:
                out.append(offering)
    _check_values(out)
    return out


def _window(constraint: object) -> tuple[time, time] | None:
    start, end = getattr(constraint, "start_time", None), getattr(constraint, "end_time", None)
    return (start, end) if isinstance(start, time) and isinstance(end, time) else None


def snapshot_label() -> str:
    from importlib.metadata import version

    return f"genai-prices {version('genai-prices')} snapshot"


def _base(value: object) -> Decimal | None:
    """A flat price as is; a tiered price by its base tier (the price of ordinary prompts)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    base = getattr(value, "base", None)
    if isinstance(base, Decimal):
        return base
    raise FeedError(f"unexpected price value {value!r}")


def _offering(
    provider_id: str,
    provider_name: str,
    model_id: str,
    name: str | None,
    context_window: int | None,
    options: Sequence[_Option],
    today: date | None,
) -> OfferingData | None:
    price = _current_price(options, today or datetime.now(UTC).date())
    if price is None or price.input_mtok is None:
        return None  # not priced per token (images, audio, per-request): out of scope
    return OfferingData(provider_id, provider_name, model_id, name, context_window, price)


def _current_price(options: Sequence[_Option], today: date) -> PriceData | None:
    """The price in force today; for time-of-day prices the standard one, with the off-peak window."""
    dated = [o for o in options if o.window is None and (o.start_date is None or o.start_date <= today)]
    if not dated:
        return None
    # genai-prices: the last option whose condition holds wins.
    standard = dated[-1]
    windowed = [o for o in options if o.window is not None]
    if not windowed:
        return _price(standard.prices, None)
    timed = windowed[-1]
    start, end = timed.window  # type: ignore[misc]
    timed_in = timed.prices.get(INPUT.name) or Decimal(0)
    base_in = standard.prices.get(INPUT.name) or Decimal(0)
    if timed_in >= base_in:
        # The windowed price is the dearer one: it is the standard; off-peak is the rest of the day.
        off = standard.prices
        window = f"{_hhmm(end)}-{_hhmm(start)}"
        std = timed.prices
    else:
        off = timed.prices
        window = f"{_hhmm(start)}-{_hhmm(end)}"
        std = standard.prices
    offpeak = OffPeak(window, **{k.name: clean(off.get(k.name)) for k in OFFPEAK_KEYS})
    return _price(std, offpeak)


def _price(values: dict[str, Decimal | None], offpeak: OffPeak | None) -> PriceData:
    return PriceData(**{k.name: clean(values.get(k.name)) for k in KEYS}, offpeak=offpeak)


def _hhmm(t: time) -> str:
    if t.tzinfo is not None:
        t = datetime.combine(date(2000, 1, 1), t).astimezone(UTC).time()
    return t.strftime("%H:%M")


def _check_values(offerings: list[OfferingData]) -> None:
    for o in offerings:
        for key, value in _all_values(o.price):
            if value is not None and (value < 0 or value > MAX_PRICE_MTOK or not value.is_finite()):
                raise FeedError(
                    f"{o.provider_id}/{o.provider_model_id} has an impossible {key} price ({value}); "
                    f"prices must be between 0 and {MAX_PRICE_MTOK} USD per 1M tokens"
                )


def _all_values(price: PriceData) -> Iterator[tuple[str, Decimal | None]]:
    yield from price.values().items()
    if price.offpeak:
        for key, value in price.offpeak.values().items():
            yield f"off-peak {key}", value
