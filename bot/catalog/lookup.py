"""Names -> models from a session: the name index (bot.catalog.nameindex) of the catalog the session
sees, built once per catalog version. Exact id, then alias, then normalised forms, then fuzzy
suggestions (which never pick a model by themselves)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.models import Alias, Model, Offering
from bot.catalog.nameindex import NameIndex
from bot.catalog.names import compact, normalise
from bot.catalog.overlay import load_overlay
from bot.catalog.version import session_version
from bot.errors import UnknownModelError

__all__ = ["NameIndex", "UnknownModelError", "compact", "name_index", "normalise"]

_cache: dict[tuple[object, ...], NameIndex] = {}


def name_index(session: Session) -> NameIndex:
    """The index for this catalog, rebuilt only when models, aliases or offerings change."""
    # One cheap query (the catalog's version) decides whether the index built before still holds.
    stamp = (str(getattr(session.get_bind(), "url", "")), session_version(session))
    index = _cache.get(stamp)
    if index is None:
        models = session.execute(select(Model.id, Model.name))
        aliases = session.execute(select(Alias.name, Alias.model_id))
        hosts = session.execute(
            select(Offering.provider_id, Offering.provider_model_id, Offering.model_id).where(
                Offering.model_id.is_not(None), Offering.retired_at.is_(None)
            )
        )
        families = [(f.name, f.label, f.flagship, f.members) for f in load_overlay().family]
        index = NameIndex.build(models, aliases, hosts, families)
        _cache.clear()
        _cache[stamp] = index
    return index
