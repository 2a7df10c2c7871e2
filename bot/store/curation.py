"""The catalog's models, made from the sources and corrected by data/catalog.toml: every offering the
price sources list belongs to its model (bot.domain.identity), with the facts the sources give
(bot.domain.evidence); the curated overlay's models, labs, aliases and links win where they exist.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.evidence import display_name, evidence_for, kind_of
from bot.domain.identity import identify, lab_of
from bot.domain.names import normalise
from bot.domain.overlay import Overlay
from bot.domain.workspaces import SHARED
from bot.store.tables import Alias, Model, Offering, Provider, Score, Subscription, utcnow

_VENDOR_LABEL = re.compile(r"^([^:]{1,40}):\s+")
_ENDPOINT_LABEL = re.compile(r"\s*\((?:Vertex AI MaaS|global|regional)\)$")


def apply_overlay(session: Session, overlay: Overlay) -> None:
    """Make the catalog's models match the sources and data/catalog.toml; idempotent.

    An offering data/catalog.toml maps goes to its curated model. Any other offering goes to the model
    its id names (bot.domain.identity), made if new, whatever host sells it: `gemma 4 31b` exists once
    Cerebras or Novita price it, with its lab from its name and its open weights, licence, release date
    and kind from the bundled evidence; an id whose name says no lab takes the organisation a host names
    (`aion-labs/aion-3.5`). Tiers and variants (`:free`, `-high`), fine-tunes, pointers
    (`~openai/gpt-latest`) and ids that name no organisation at all stay unlinked. A model's lab API is
    the first of its lab's (Overlay.lab_api_of): Z.ai's is zai, while zhipuai keeps its models as
    another host. Admin-made aliases are left alone.
    """
    labs = overlay.lab_providers
    providers = {p.id: p for p in session.scalars(select(Provider))}
    for provider_id in labs:
        if provider_id in providers:
            providers[provider_id].is_lab = True
    lab_provider_of = overlay.lab_api_of

    def lab_api(lab: str) -> str | None:
        api = lab_provider_of.get(lab)
        return api if api in providers else None

    models = {m.id: m for m in session.scalars(select(Model))}
    curated_ids = set()
    for cm in overlay.model:
        curated_ids.add(cm.id)
        model = models.get(cm.id) or Model(id=cm.id)
        sources = evidence_for(cm.id)
        model.name, model.lab, model.open_weights, model.license = (
            cm.name,
            cm.lab,
            cm.open_weights,
            cm.license,
        )
        model.lab_provider_id = lab_api(cm.lab)
        model.release_date = cm.release_date or sources.release_date
        model.context_window = sources.context
        model.kind = kind_of(cm.id)
        model.weights_source = None  # data/catalog.toml's own
        model.curated = True
        if cm.id not in models:
            session.add(model)
            models[cm.id] = model
    session.flush()
    for cm in overlay.model:  # once every curated model exists: a successor may come later in the file
        models[cm.id].successor_id = cm.successor
    mapping = {key: cm.id for cm in overlay.model for key in cm.offering_keys()}
    taught = _taught(overlay)
    offerings = list(
        session.scalars(select(Offering).order_by(Offering.provider_id, Offering.provider_model_id))
    )
    sourced: dict[str, list[Offering]] = defaultdict(list)  # model key -> its offerings
    for offering in offerings:
        key = (offering.provider_id, offering.provider_model_id)
        target = mapping.get(key)
        if target is None:
            found = identify(*key)
            lab = (
                lab_of(found.key, found.vendor)
                or labs.get(offering.provider_id)
                or _named_lab(offering)
                or found.vendor  # the organisation the id names (`aion-labs/aion-3.5`), as written
            )
            if found.plain and ":" not in found.key and lab is not None:
                target = taught.get(found.key, found.key)
                if target not in curated_ids:
                    sourced[target].append(offering)
                    if target not in models:
                        models[target] = Model(id=target, name=target, lab=lab, curated=False)
                        session.add(models[target])
                    elif models[target].curated:
                        models[target].curated = False  # no longer in data/catalog.toml: the sources'
        if offering.model_id != target:
            offering.model_id = target
    session.flush()
    for model_id, found_offerings in sourced.items():
        _from_sources(models[model_id], found_offerings, labs, lab_api)
    _fold_renamed(session, models, {o.model_id for o in offerings if o.model_id})
    aliases = {a.name: a for a in session.scalars(select(Alias).where(Alias.workspace == SHARED))}
    for cm in overlay.model:
        for name in cm.aliases:
            alias_key = normalise(name)
            alias = aliases.get(alias_key)
            if alias is None:
                session.add(Alias(name=alias_key, model_id=cm.id, source="curated", created_at=utcnow()))
            elif alias.source == "curated" and alias.model_id != cm.id:
                alias.model_id = cm.id
    for extra in overlay.alias:  # names of models made from the sources, once the model exists
        alias = aliases.get(normalise(extra.name))
        if extra.model not in models:
            continue
        if alias is None:
            session.add(
                Alias(name=normalise(extra.name), model_id=extra.model, source="curated", created_at=utcnow())
            )
        elif alias.source == "curated" and alias.model_id != extra.model:
            alias.model_id = extra.model
    session.flush()


def _taught(overlay: Overlay) -> dict[str, str]:
    """Model keys a curated model's own offerings name (`llama-3.1-8b-instruct` for Llama 3.1 8B): any
    other host's id of that key is the same model. A key two curated models' offerings share teaches
    nothing, nor does a name without a version."""
    claims: dict[str, set[str]] = defaultdict(set)
    for cm in overlay.model:
        claims[cm.id].add(cm.id)
        for provider_id, model_id in cm.offering_keys():
            found = identify(provider_id, model_id)
            # A name with no version (`deepseek-chat`) is one host's pointer: it teaches nothing.
            if found.plain and re.search(r"\d", found.key):
                claims[found.key].add(cm.id)
    return {key: next(iter(ids)) for key, ids in claims.items() if len(ids) == 1}


def _fold_renamed(session: Session, models: dict[str, Model], linked: set[str]) -> None:
    """Models made before the identity rule under a host's id (`claude-opus-4-7`), now without an
    offering, fold into the model of their key (`claude-opus-4.7`): their scores, aliases, successor
    links and subscriptions move there, and the old model goes, so no name means two models."""
    for old in [m for m in models.values() if not m.curated and m.id not in linked]:
        key = identify("", old.id).key
        if key == old.id or key not in models:
            continue
        for table in (Score, Alias):
            session.execute(update(table).where(table.model_id == old.id).values(model_id=key))
        session.execute(update(Model).where(Model.successor_id == old.id).values(successor_id=key))
        for sub in session.scalars(select(Subscription).where(Subscription.model_ids.is_not(None))):
            if sub.model_ids and old.id in sub.model_ids:
                sub.model_ids = list(dict.fromkeys(key if m == old.id else m for m in sub.model_ids))
        session.flush()
        session.delete(old)
        del models[old.id]
    session.flush()


def _from_sources(
    model: Model, offerings: list[Offering], labs: dict[str, str], lab_api: Callable[[str], str | None]
) -> None:
    """A model made from the sources: lab from its name (else its hosts'), facts from the evidence."""
    found = evidence_for(model.id)
    first = identify(offerings[0].provider_id, offerings[0].provider_model_id)
    lab = (
        lab_of(model.id, first.vendor)
        or next((labs[o.provider_id] for o in offerings if o.provider_id in labs), None)
        or next((named for o in offerings if (named := _named_lab(o))), None)
        or first.vendor
        or model.lab
    )
    api = lab_api(lab)
    # A lower-case id given as a name (`glm-5.3-max`) is no name; `GLM-5.1` is.
    given = [o.name for o in offerings if o.name and not (o.name == o.provider_model_id == o.name.lower())]
    # The lab's own, from its plainest id (`gemma-4-26b-a4b-it`, not Vertex's `-maas` endpoint).
    ours = sorted((o for o in offerings if o.provider_id == api), key=lambda o: len(o.provider_model_id))
    own = [_plain(o.name) for o in ours if o.name and o.name in given]
    names = Counter(_plain(n) for n in given).most_common()
    # The lab's own name for it, else the hosts' if two agree, else models.dev's, else any, else made.
    agreed = [n for n, count in names if count > 1]
    sourced = _plain(found.name) if found.name else None
    model.name = (own or agreed or [sourced or (names[0][0] if names else display_name(model.id))])[0]
    model.lab, model.lab_provider_id = lab, api
    model.open_weights, model.license, model.weights_source = (
        found.open_weights,
        found.license,
        found.weights_source,
    )
    model.release_date = found.release_date
    model.context_window = found.context
    model.kind = found.kind


def _named_lab(offering: Offering) -> str | None:
    """The organisation a host's name for the model puts first (OpenRouter's `Aion Labs: Aion-1.0`)."""
    found = _VENDOR_LABEL.match(offering.name or "")
    return found.group(1) if found else None


def _plain(name: str) -> str:
    """A host's name without the vendor it puts before it (OpenRouter's `OpenAI: GPT-5 Image`) or the
    endpoint it adds after (`(Vertex AI MaaS)`, Bedrock's `(global)`)."""
    return _ENDPOINT_LABEL.sub("", _VENDOR_LABEL.sub("", name))
