"""The curated overlay (data/catalog.toml) applied to the catalog: its models, labs, aliases and
links, and an uncurated model for every offering it does not map.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.names import normalise
from bot.domain.overlay import Overlay
from bot.domain.workspaces import SHARED
from bot.store.tables import Alias, Model, Offering, Provider, utcnow


def apply_overlay(session: Session, overlay: Overlay) -> None:
    """Make the catalog's curated models, aliases and links match data/catalog.toml; idempotent.

    Offerings the overlay does not map, at any of a lab's APIs, become uncurated models of that lab,
    so `gpt-5` answers even before anyone curates it. A model's lab API is the first of its lab's
    (Overlay.lab_api_of): Z.ai's is zai, while zhipuai keeps its models as another host.
    Admin-made aliases are left alone.
    """
    labs = overlay.lab_providers
    providers = {p.id: p for p in session.scalars(select(Provider))}
    for provider_id in labs:
        if provider_id in providers:
            providers[provider_id].is_lab = True
    lab_provider_of = overlay.lab_api_of
    models = {m.id: m for m in session.scalars(select(Model))}
    curated_ids = set()
    for cm in overlay.model:
        curated_ids.add(cm.id)
        model = models.get(cm.id) or Model(id=cm.id)
        model.name, model.lab, model.open_weights, model.license = (
            cm.name,
            cm.lab,
            cm.open_weights,
            cm.license,
        )
        model.lab_provider_id = (
            lab_provider_of.get(cm.lab) if lab_provider_of.get(cm.lab) in providers else None
        )
        model.release_date = cm.release_date
        model.curated = True
        if cm.id not in models:
            session.add(model)
            models[cm.id] = model
    session.flush()
    for cm in overlay.model:  # once every curated model exists: a successor may come later in the file
        models[cm.id].successor_id = cm.successor
    mapping = {key: cm.id for cm in overlay.model for key in cm.offering_keys()}
    for offering in session.scalars(select(Offering)):
        key = (offering.provider_id, offering.provider_model_id)
        target = mapping.get(key)
        # Fine-tunes (ft:...) and tier variants (...:free) are not models of their own.
        if target is None and offering.provider_id in labs and ":" not in offering.provider_model_id:
            target = offering.model_id if offering.model_id in models else None
            if target is None or models[target].curated and target not in curated_ids:
                lab = labs[offering.provider_id]
                target = _uncurated(session, models, offering, lab, lab_provider_of.get(lab))
        if offering.model_id != target:
            offering.model_id = target
    for model in models.values():
        # Uncurated models made before a lab's API was told from its other APIs follow it too.
        api = lab_provider_of.get(model.lab)
        if not model.curated and api in providers and model.lab_provider_id != api:
            model.lab_provider_id = api
    aliases = {a.name: a for a in session.scalars(select(Alias).where(Alias.workspace == SHARED))}
    for cm in overlay.model:
        for name in cm.aliases:
            alias_key = normalise(name)
            alias = aliases.get(alias_key)
            if alias is None:
                session.add(Alias(name=alias_key, model_id=cm.id, source="curated", created_at=utcnow()))
            elif alias.source == "curated" and alias.model_id != cm.id:
                alias.model_id = cm.id
    session.flush()


def _uncurated(
    session: Session, models: dict[str, Model], offering: Offering, lab: str, lab_api: str | None
) -> str:
    """The uncurated model of an offering at one of the lab's APIs; its lab API is the lab's first."""
    model_id = normalise(offering.provider_model_id).replace(" ", "-")
    if model_id in models and models[model_id].curated:
        model_id = f"{offering.provider_id}:{model_id}"
    if model_id not in models:
        models[model_id] = Model(
            id=model_id,
            name=offering.name or offering.provider_model_id,
            lab=lab,
            lab_provider_id=lab_api or offering.provider_id,
            curated=False,
        )
        session.add(models[model_id])
        session.flush()
    return model_id
