"""Admin edits: set a price (a new dated row, alerts queued in the same transaction), add or remove an
alias. A model's dated price changes are read by bot.read.history."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.answers import AliasAnswer, SetPriceAnswer
from bot.contract.errors import EditError, UnknownModelError
from bot.contract.views import PriceChangeView
from bot.domain.names import compact, normalise
from bot.domain.prices import PRICE_KEYS, PriceData
from bot.domain.workspaces import SHARED
from bot.store.names import name_index
from bot.store.prices import PriceMove, current_prices, new_change, price_data, record_price
from bot.store.tables import Alias, Change, Model, Offering, Provider

OnChange = Callable[[Session, Change, list[PriceMove]], int]


def set_prices(
    session: Session,
    name: str,
    host: str | None,
    prices: dict[str, Decimal],
    actor: Actor,
    on_change: OnChange | None = None,
    workspace: str = SHARED,
) -> SetPriceAnswer:
    """Set some prices of a model at a host (default: the lab's own API), as `actor`, in the shared
    catalog or in one workspace's view only (its override, which the feeds never replace).

    `on_change` runs in the same transaction (the alert outbox), and returns how many alerts it queued.
    """
    model = session.get_one(Model, name_index(session, workspace).resolve(name))
    provider = _provider(session, model, host)
    offering = session.scalar(
        select(Offering)
        .where(Offering.model_id == model.id, Offering.provider_id == provider.id)
        .order_by(Offering.retired_at.is_not(None), Offering.id)
    )
    if offering is None and workspace != SHARED:
        # A host's listing of a model is the shared catalog's, seen by every workspace and kept by the
        # feeds: a workspace prices what is listed, and adds nothing to it.
        raise EditError(
            f"{provider.name} doesn't list {model.name}, so this workspace can't price it there; it can set "
            f"its own price at a host that does: {', '.join(_hosts(session, model))}."
        )
    row = current_prices(session, [offering.id], workspace).get(offering.id) if offering else None
    old = price_data(row) if row else None
    if old is None and not {"input_mtok", "output_mtok"} <= prices.keys():
        raise EditError(
            f"{model.name} has no price at {provider.name} yet: give both input and output, e.g. "
            f"`set {model.id} at {provider.id} input 3 output 7`."
        )
    base = old.values() if old else {}
    new = PriceData(
        **{**base, **prices}, offpeak=old.offpeak if old else None, extra=old.extra if old else ()
    )

    def move_at(offering: Offering) -> PriceMove:
        return PriceMove(
            offering.id,
            provider.id,
            provider.name,
            offering.provider_model_id,
            model.id,
            model.name,
            old,
            new,
        )

    if offering is not None and old is not None and old.same_as(new):
        return SetPriceAnswer(
            change=change_view(move_at(offering)), unchanged=True, actor=actor, alerts_queued=0
        )
    change = new_change(session, "admin", actor, workspace)
    if offering is None:
        offering = Offering(
            provider_id=provider.id, provider_model_id=model.id, model_id=model.id, name=model.name
        )
        session.add(offering)
        session.flush()
    if workspace == SHARED:
        offering.retired_at = None  # a workspace's price shows in its view only, retired or not
    record_price(session, offering, new, change)
    move = move_at(offering)
    queued = on_change(session, change, [move]) if on_change else 0
    return SetPriceAnswer(change=change_view(move), unchanged=False, actor=actor, alerts_queued=queued)


def _provider(session: Session, model: Model, host: str | None) -> Provider:
    if host is None:
        if model.lab_provider_id:
            return session.get_one(Provider, model.lab_provider_id)
        raise EditError(
            f"{model.name} has no API of its own at {model.lab}: say which host, e.g. "
            f"`set {model.id} at together input 3 output 7`."
        )
    key = normalise(host)
    providers = session.scalars(select(Provider).order_by(Provider.id)).all()
    exact = [p for p in providers if key in (p.id, p.name.lower())]
    # Otherwise a unique partial match ("together" for "Together AI"); several is a question, not a guess.
    found = exact or [p for p in providers if compact(key) and compact(key) in compact(f"{p.id} {p.name}")]
    if len(found) == 1:
        return found[0]
    if found:
        raise EditError(f"'{host}' could be {', '.join(p.id for p in found[:8])}: use the host's id.")
    hosts = ", ".join(_hosts(session, model))
    raise EditError(f"I don't know a host called '{host}'. {model.name} is served by: {hosts}.")


def _hosts(session: Session, model: Model) -> list[str]:
    """The ids of the hosts that list the model."""
    return list(
        session.scalars(
            select(Provider.id)
            .join(Offering)
            .where(Offering.model_id == model.id)
            .distinct()
            .order_by(Provider.id)
        )
    )


def add_alias(session: Session, alias: str, name: str, workspace: str = SHARED) -> AliasAnswer:
    """A name for a model, in the shared catalog or in one workspace only."""
    key = normalise(alias)
    index = name_index(session, workspace)
    target = index.resolve(name)
    if key in index.ids and index.ids[key] != target:
        raise EditError(f"'{alias}' is already the id of {index.names[index.ids[key]]}.")
    try:
        current = index.resolve(alias)
    except UnknownModelError as exc:
        current = None
        if exc.ambiguous:
            raise EditError(f"'{alias}' could already mean several models; pick a clearer alias.") from None
    if current is not None and current != target:
        # It already answers to another model (an alias, a host's model id, a name): don't take it over.
        raise EditError(f"'{alias}' already means {index.names[current]}; pick another alias.")
    existing = session.get(Alias, (key, workspace))
    if existing is not None and existing.model_id != target:
        other = session.get_one(Model, existing.model_id)
        raise EditError(f"'{alias}' already means {other.name}; `unalias {alias}` first.")
    if existing is None and index.aliases.get(key) != target:
        session.add(Alias(name=key, model_id=target, source="admin", workspace=workspace))
        session.flush()
    return AliasAnswer(alias=key, model_id=target, model_name=index.names[target])


def remove_alias(session: Session, alias: str, workspace: str = SHARED) -> AliasAnswer:
    key = normalise(alias)
    existing = session.get(Alias, (key, workspace))
    if existing is None:
        if workspace != SHARED and session.get(Alias, (key, SHARED)) is not None:
            raise EditError(f"'{alias}' is a name in the shared catalog, not this workspace's own.")
        raise EditError(f"There is no alias '{alias}'.")
    if existing.source == "curated":
        raise EditError(f"'{alias}' comes from the curated catalog (data/catalog.toml); change it there.")
    model = session.get_one(Model, existing.model_id)
    session.delete(existing)
    session.flush()
    return AliasAnswer(alias=key, model_id=model.id, model_name=model.name, removed=True)


def change_view(move: PriceMove) -> PriceChangeView:
    return PriceChangeView(
        model_id=move.model_id,
        model_name=move.model_name,
        provider_id=move.provider_id,
        provider_name=move.provider_name,
        old=move.old.values() if move.old else None,
        new=move.new.values(),
        pct={k: move.pct(k) for k in PRICE_KEYS},
    )
