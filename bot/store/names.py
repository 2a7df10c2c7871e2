"""Names -> models from a session: the name index (bot.domain.nameindex) of the catalog the session
sees, built once per catalog version. Exact id, then alias, then normalised forms, then fuzzy
suggestions (which never pick a model by themselves)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.errors import UnknownModelError
from bot.domain.nameindex import NameIndex
from bot.domain.names import compact, normalise
from bot.domain.overlay import load_overlay
from bot.domain.workspaces import SHARED
from bot.store.tables import Alias, Model, Offering
from bot.store.version import SHARED_NAMES, names_version, session_version

__all__ = ["NameIndex", "UnknownModelError", "compact", "name_index", "normalise"]

_cache: dict[tuple[object, ...], NameIndex] = {}
CACHED = 16  # indexes kept: the shared catalog's and the workspaces' asked lately

Kept = dict[tuple[object, ...], NameIndex]  # (workspace, version of the names) -> the index built for them


def kept(url: str) -> Kept:
    """The indexes kept for the catalog at `url` (str(engine.url)), for `start_from`."""
    return {stamp[1:]: index for stamp, index in _cache.items() if stamp[0] == url}


def start_from(url: str, indexes: Kept) -> None:
    """Begin the catalog at `url`, a copy of another (each test's copy of the seeded catalog), with the
    other's indexes instead of building them again. Each is used, like any, only while the copy's
    version is the one it was built for; one that moves no version (SQL written by hand) is not seen."""
    for rest, index in indexes.items():
        _cache.setdefault((url, *rest), index)


def name_index(session: Session, workspace: str = SHARED) -> NameIndex:
    """The index for this catalog as a workspace sees it (the shared aliases and its own), rebuilt only
    when models, aliases or offerings change."""
    # One cheap query (the catalog's version) decides whether the index built before still holds. Only
    # the parts that names depend on count (bot.store.version): prices, scores and workloads name
    # nothing, so an admin's price edit, shared or a workspace's, leaves the index as it was.
    version = session_version(session)
    url = str(getattr(session.get_bind(), "url", ""))

    def shared() -> NameIndex:
        return _kept((url, SHARED, version[SHARED_NAMES]), lambda: _build(session, SHARED))

    if workspace == SHARED:
        return shared()

    def layered() -> NameIndex:
        # The shared index with the workspace's own names laid over it, as bot.read.layered does for
        # answers; built whole in the rare cases the layering can't say (NameIndex.with_own).
        own = session.execute(select(Alias.name, Alias.model_id).where(Alias.workspace == workspace)).all()
        return shared().with_own((a, m) for a, m in own) or _build(session, workspace)

    return _kept((url, workspace, names_version(version)), layered)


def _kept(stamp: tuple[object, ...], make: Callable[[], NameIndex]) -> NameIndex:
    index = _cache.get(stamp)
    if index is None:
        index = make()
        for old in [k for k in _cache if k[:2] == stamp[:2]] + list(_cache)[: max(0, len(_cache) - CACHED)]:
            _cache.pop(old, None)
        _cache[stamp] = index
    return index


def _build(session: Session, workspace: str) -> NameIndex:
    rows = session.execute(select(Model.id, Model.name, Model.release_date, Model.kind)).all()
    models = [(r.id, r.name) for r in rows]
    live = set(
        session.scalars(
            select(Offering.model_id).where(Offering.model_id.is_not(None), Offering.retired_at.is_(None))
        )
    )
    # The workspace's own names come last, so that one of them wins over a shared one added later.
    aliases = session.execute(
        select(Alias.name, Alias.model_id)
        .where(Alias.workspace.in_(sorted({SHARED, workspace})))
        .order_by(Alias.workspace != SHARED)
    )
    hosts = session.execute(
        select(Offering.provider_id, Offering.provider_model_id, Offering.model_id).where(
            Offering.model_id.is_not(None), Offering.retired_at.is_(None)
        )
    )
    families = [(f.name, f.label, f.flagship, f.members) for f in load_overlay().family]
    return NameIndex.build(
        models,
        aliases,
        hosts,
        families,
        released={r.id: r.release_date for r in rows},
        listed=[r.id for r in rows if r.kind == "text" and r.id in live],
    )
