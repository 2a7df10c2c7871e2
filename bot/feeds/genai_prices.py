"""genai-prices data (its bundled snapshot, or its published v2 JSON feed) -> OfferingData.

Only facts are taken: ids, names, context windows, prices, the date a price took effect (a
conditional price's `start_date`) and the `deprecated` flag. The feed is validated whole with
pydantic before anything uses it; a shape we do not expect raises FeedError.

Time-of-day prices: every window is kept. The standard price is the dearer one (what a request costs
at the busiest hours); the cheaper hours are its off-peak windows, however many (DeepSeek V4 Flash
is dearer 01:00-04:00 and 06:00-10:00 UTC, so it is off-peak 04:00-06:00 and 10:00-01:00). Windows
at more than one price can't be told in one standard and one off-peak price: such a feed is rejected
whole rather than shown wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import metadata
from typing import Annotated, Any  # Any: decoded JSON, and genai-prices' untyped snapshot dataclasses

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from bot.domain.prices import (
    CACHE_WRITE_1H_MTOK,
    EXTRA_KINDS,
    INPUT,
    KEYS,
    OFFPEAK_KEYS,
    WINDOW_SEPARATOR,
    ExtraPrice,
    OfferingData,
    OffPeak,
    PriceData,
    clean,
)
from bot.feeds.decode import FeedError

# A price above this (USD per 1M tokens) is a mistake in the data, not a price.
MAX_PRICE_MTOK = Decimal(10_000)


class _Tier(BaseModel):
    start: int
    price: Decimal


class _Tiered(BaseModel):
    base: Decimal
    tiers: list[_Tier]


_Value = Decimal | _Tiered


class _Prices(BaseModel):
    """The price fields we read (each key's `upstream` in bot.domain.prices.KEYS), validated."""

    model_config = ConfigDict(extra="allow")
    input_mtok: _Value | None = None
    output_mtok: _Value | None = None
    cache_read_mtok: _Value | None = None
    cache_write_mtok: _Value | None = None
    cache_write_1h_mtok: _Value | None = None


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
    extra: tuple[ExtraPrice, ...] = ()


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
        from genai_prices.data import providers as bundled  # noqa: PLC0415  (genai_prices: its bundled data, only to seed)

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
                    _extras(c.prices),
                )
                for c in conds
            ]
            offering = _offering(
                provider.id, provider.name, model.id, model.name, model.context_window, options, today
            )
            if offering:
                # genai-prices marks models their provider has deprecated; kept, shown as such.
                out.append(replace(offering, deprecated=bool(getattr(model, "deprecated", None))))
    _check_values(out)
    return out


def _window(constraint: object) -> tuple[time, time] | None:
    start, end = getattr(constraint, "start_time", None), getattr(constraint, "end_time", None)
    return (start, end) if isinstance(start, time) and isinstance(end, time) else None


def snapshot_label() -> str:
    return f"genai-prices {metadata.version('genai-prices')} snapshot"


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


def _extras(prices: object) -> tuple[ExtraPrice, ...]:
    """The long-context tiers of each price, and the 1-hour cache write (with its tiers)."""
    out: list[ExtraPrice] = []
    for key in EXTRA_KINDS:
        value = getattr(prices, key, None)
        if key == CACHE_WRITE_1H_MTOK and (base := _base(value)) is not None:
            out.append(ExtraPrice(key, "standard", 0, base))
        for tier in getattr(value, "tiers", None) or ():
            start, price = getattr(tier, "start", None), getattr(tier, "price", None)
            if not isinstance(start, int) or not isinstance(price, Decimal) or start <= 0:
                raise FeedError(f"unexpected price tier {tier!r}")
            out.append(ExtraPrice(key, "standard", start, price))
    return tuple(sorted(ExtraPrice(e.key, e.service, e.above, clean(e.mtok) or Decimal(0)) for e in out))


def _offering(
    provider_id: str,
    provider_name: str,
    model_id: str,
    name: str | None,
    context_window: int | None,
    options: Sequence[_Option],
    today: date | None,
) -> OfferingData | None:
    found = _current_price(options, today or datetime.now(UTC).date(), f"{provider_id}/{model_id}")
    if found is None or found[0].input_mtok is None:
        return None  # not priced per token (images, audio, per-request): out of scope
    price, since = found
    return OfferingData(provider_id, provider_name, model_id, name, context_window, price, since=since)


_DAY = 24 * 60


def _current_price(
    options: Sequence[_Option], today: date, where: str
) -> tuple[PriceData, date | None] | None:
    """The price in force today and the date it took effect (None when the source gives none); for
    time-of-day prices the standard price, with every off-peak window (see the module docstring)."""
    dated = [o for o in options if o.window is None and (o.start_date is None or o.start_date <= today)]
    if not dated:
        return None
    # genai-prices: the last option whose condition holds wins.
    standard = dated[-1]
    windowed = [o for o in options if o.window is not None]
    if not windowed:
        return _price(standard.prices, None, standard.extra), standard.start_date
    timed = windowed[0].prices
    if any(o.prices != timed for o in windowed):
        raise FeedError(f"{where} has time-of-day windows at different prices, which modelcost can't show")
    spans = [(_minutes(o.window[0]), _minutes(o.window[1])) for o in windowed if o.window is not None]
    timed_in = timed.get(INPUT.name) or Decimal(0)
    base_in = standard.prices.get(INPUT.name) or Decimal(0)
    if timed_in >= base_in:
        # The windowed price is the dearer one: it is the standard; off-peak is the rest of the day.
        std, off, spans = timed, standard.prices, _rest_of_day(spans)
    else:
        std, off = standard.prices, timed
    window = WINDOW_SEPARATOR.join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in sorted(spans))
    offpeak = OffPeak(window, **{k.name: clean(off.get(k.name)) for k in OFFPEAK_KEYS})
    return _price(std, offpeak, standard.extra), standard.start_date


def _minutes(t: time) -> int:
    if t.tzinfo is not None:
        t = datetime.combine(date(2000, 1, 1), t).astimezone(UTC).time()
    return t.hour * 60 + t.minute


def _rest_of_day(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the day (minutes, UTC) outside every span; a span may run past midnight."""
    covered = [False] * _DAY
    for start, end in spans:
        length = (end - start) % _DAY or _DAY
        for m in range(start, start + length):
            covered[m % _DAY] = True
    free = [m for m in range(_DAY) if not covered[m]]
    if not free:
        return []
    runs: list[list[int]] = []
    for m in free:
        if runs and runs[-1][1] == m:
            runs[-1][1] = m + 1
        else:
            runs.append([m, m + 1])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == _DAY:
        runs[0][0] = runs.pop()[0]  # one window across midnight
    return [(a % _DAY, b % _DAY) for a, b in runs]


def _price(
    values: dict[str, Decimal | None], offpeak: OffPeak | None, extra: tuple[ExtraPrice, ...] = ()
) -> PriceData:
    return PriceData(**{k.name: clean(values.get(k.name)) for k in KEYS}, offpeak=offpeak, extra=extra)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


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
    for extra in price.extra:
        yield extra.code, extra.mtok
