"""Lifecycle questions for subscriptions, from the read model alone: which followed models are deprecated
(and when their lab retires them), and what a retiring model's team would pay instead: its successor
and the cheapest comparable open-weights model, for a workload.

Statuses are the read model's (bot.read.builder reads them with bot.domain.lifecycle against the
snapshot's day), so every source of lifecycle dates the catalog knows flows in here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.contract.requests import Workload
from bot.contract.views import LifecycleNote, ModelView, Status
from bot.read.model import ReadModel
from bot.read.questions import find_alternatives
from bot.read.views import model_views


@dataclass(frozen=True)
class Standing:
    """A model's lifecycle on the snapshot's day."""

    model_id: str
    name: str
    status: Status
    retires_on: date | None


def standings(catalog: ReadModel, model_ids: Iterable[str], work: Workload) -> dict[str, Standing]:
    """The lifecycle of each of these models that some host prices (others have no status to tell)."""
    known = [m for m in dict.fromkeys(model_ids) if m in catalog.models]
    return {
        v.id: Standing(v.id, v.name, v.status, v.status_date)
        for v in model_views(catalog, known, work, strict=False)
    }


def deprecated_notes(catalog: ReadModel, model_ids: Iterable[str], work: Workload) -> list[LifecycleNote]:
    """The deprecated ones among these models, by retirement day (undated last), for a reply."""
    known = [m for m in dict.fromkeys(model_ids) if m in catalog.models]
    notes = [
        LifecycleNote(
            model_id=v.id, model_name=v.name, retires_on=v.status_date, successor_name=v.successor_name
        )
        for v in model_views(catalog, known, work, strict=False)
        if v.status == "deprecated"
    ]
    return sorted(notes, key=lambda n: (n.retires_on is None, n.retires_on or date.max, n.model_name))


@dataclass(frozen=True)
class Costed:
    model_id: str
    name: str
    provider_name: str
    cost: Decimal | None  # the workload at this host


@dataclass(frozen=True)
class Options:
    """What a retiring model's team can move to, with the workload's cost on each."""

    model: Costed
    successor: Costed | None
    alternative: Costed | None  # the cheapest comparable open-weights model, where one is cheaper


def options(catalog: ReadModel, model_id: str, work: Workload) -> Options:
    [view] = model_views(catalog, [model_id], work)
    successor = None
    if view.successor_id and view.successor_id in catalog.models:
        found = model_views(catalog, [view.successor_id], work, strict=False)
        successor = _costed(found[0]) if found else None
    alternative = None
    if view.quality is not None:
        found_alts = find_alternatives(catalog, model_id, work).alternatives
        if found_alts:
            best = found_alts[0]
            price = best.model.cheapest or best.model.price
            alternative = Costed(best.model.id, best.model.name, price.provider_name, best.cost)
    return Options(_costed(view), successor, alternative)


def _costed(view: ModelView) -> Costed:
    return Costed(view.id, view.name, view.price.provider_name, view.price.workload_cost)


def alternatives_state(catalog: ReadModel, model_ids: Iterable[str], work: Workload) -> dict[str, Options]:
    """The options of each closed model among these that some host prices (a digest keeps which
    alternative was the cheapest, to say when it changes)."""
    found: dict[str, Options] = {}
    for model_id in dict.fromkeys(model_ids):
        facts = catalog.models.get(model_id)
        if facts is None or facts.open_weights or not catalog.hosts.get(model_id):
            continue
        found[model_id] = options(catalog, model_id, work)
    return found


def kept_state(found: dict[str, Options]) -> dict[str, list[str] | None]:
    """As a digest keeps it (JSON): model id -> [alternative id, its name], or None when none is cheaper."""
    return {
        m: [o.alternative.model_id, o.alternative.name] if o.alternative else None for m, o in found.items()
    }
