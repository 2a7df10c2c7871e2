"""Feed factories for sync tests: the bundled snapshot as a v2 feed (what a seeded catalog holds),
edits of it, the 2026-08 fixture feed, and counts of the catalog to compare before and after."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from bot import db
from bot.domain.prices import OfferingData
from bot.feeds.genai_prices import from_snapshot, parse_feed
from bot.store.tables import Alert, Change, Model, Offering, Price, Provider, SyncRun

URL = "https://feed.test/genai-prices/v2/data.json"
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "genai_prices_feed_v2_2026-08.json"

Feed = list[dict[str, Any]]


@functools.cache
def _snapshot_feed() -> str:
    """genai-prices' bundled snapshot written as a v2 feed (round-trip checked)."""
    providers: dict[str, dict[str, Any]] = {}
    offerings = from_snapshot()
    for o in offerings:
        p = providers.setdefault(o.provider_id, {"id": o.provider_id, "name": o.provider_name, "models": []})
        p["models"].append(_model(o))
    feed = list(providers.values())
    assert parse_feed(json.loads(json.dumps(feed), parse_float=Decimal)) == offerings
    return json.dumps(feed)


def _model(o: OfferingData) -> dict[str, Any]:
    values: dict[str, Any] = {k: float(v) for k, v in o.price.values().items() if v is not None}
    # Long-context tiers and the 1-hour cache write, as genai-prices writes them.
    for e in o.price.extra:
        if e.above == 0:
            values[e.key] = float(e.mtok)
    for e in o.price.extra:
        if e.above:
            value = values[e.key]
            if not isinstance(value, dict):
                value = values[e.key] = {"base": value, "tiers": []}
            value["tiers"].append({"start": e.above, "price": float(e.mtok)})
    model: dict[str, Any] = {"id": o.provider_model_id, "match": {"equals": o.provider_model_id}}
    if o.name:
        model["name"] = o.name
    if o.context_window:
        model["context_window"] = o.context_window
    if o.deprecated:
        model["deprecated"] = True
    off = o.price.offpeak
    # The day the price took effect, as genai-prices says it: a start_date constraint.
    standard: dict[str, Any] = {"prices": values}
    if o.since is not None:
        standard["constraint"] = {"start_date": o.since.isoformat()}
    if off is None:
        model["prices"] = [standard] if o.since is not None else values
    else:
        off_values = {
            k: float(v)
            for k, v in {
                "input_mtok": off.input_mtok,
                "output_mtok": off.output_mtok,
                "cache_read_mtok": off.cache_read_mtok,
            }.items()
            if v is not None
        }
        # Every off-peak window, each at the off-peak price (cheaper windows read back as themselves).
        model["prices"] = [
            standard,
            *(
                {"constraint": {"start_time": f"{start}:00Z", "end_time": f"{end}:00Z"}, "prices": off_values}
                for start, _, end in (w.partition("-") for w in off.windows)
            ),
        ]
    return model


def snapshot_feed() -> Feed:
    """A fresh, editable copy of the feed a bundled-seeded catalog already matches."""
    feed: Feed = json.loads(_snapshot_feed())
    return feed


def fixture_feed() -> bytes:
    return FIXTURE.read_bytes()


def model_of(feed: Feed, provider: str, model_id: str) -> dict[str, Any]:
    for p in feed:
        if p["id"] == provider:
            for m in p["models"]:
                if m["id"] == model_id:
                    return m  # type: ignore[no-any-return]
    raise KeyError((provider, model_id))


def set_price(feed: Feed, provider: str, model_id: str, **prices: float) -> Feed:
    m = model_of(feed, provider, model_id)
    target = m["prices"][0]["prices"] if isinstance(m["prices"], list) else m["prices"]
    target.update(prices)
    return feed


def drop(feed: Feed, keys: set[tuple[str, str]]) -> Feed:
    for p in feed:
        p["models"] = [m for m in p["models"] if (p["id"], m["id"]) not in keys]
    return feed


def add_model(feed: Feed, provider: str, model_id: str, input_mtok: float, output_mtok: float) -> Feed:
    p = next(p for p in feed if p["id"] == provider)
    p["models"].append(
        {
            "id": model_id,
            "name": model_id,
            "match": {"equals": model_id},
            "prices": {"input_mtok": input_mtok, "output_mtok": output_mtok},
        }
    )
    return feed


def body(feed: Feed) -> bytes:
    return json.dumps(feed).encode()


def keys(feed: Feed) -> list[tuple[str, str]]:
    return [(p["id"], m["id"]) for p in feed for m in p["models"]]


@dataclass(frozen=True)
class State:
    """Everything a sync may change, counted; equal states mean the catalog was left alone."""

    providers: int
    models: int
    offerings: int
    retired: int
    prices: int
    last_price_id: int | None
    changes: int
    alerts: int


def state(engine: Engine) -> State:
    with db.session_factory(engine)() as s:

        def count(*what: Any) -> int:
            return s.scalar(select(func.count()).select_from(*what)) or 0

        return State(
            providers=count(Provider),
            models=count(Model),
            offerings=count(Offering),
            retired=s.scalar(select(func.count()).where(Offering.retired_at.is_not(None))) or 0,
            prices=count(Price),
            last_price_id=s.scalar(select(func.max(Price.id))),
            changes=count(Change),
            alerts=count(Alert),
        )


def runs(engine: Engine) -> list[SyncRun]:
    with db.session_factory(engine)() as s:
        return list(s.scalars(select(SyncRun).order_by(SyncRun.id)))


def current_price(engine: Engine, provider: str, model_id: str) -> Price:
    with db.session_factory(engine)() as s:
        offering = s.scalars(
            select(Offering).where(Offering.provider_id == provider, Offering.provider_model_id == model_id)
        ).one()
        return s.scalars(
            select(Price).where(Price.offering_id == offering.id).order_by(Price.id.desc())
        ).first()  # type: ignore[return-value]
