"""First use: migrate an empty database and seed it from genai-prices' bundled snapshot and
the curated overlay, in one transaction, so the first `modelcost ask` just works offline."""

from __future__ import annotations

from sqlalchemy import Engine, exists, select, text

from bot import db
from bot.catalog.answers import Actor
from bot.catalog.changes import apply_overlay, apply_upstream, new_change
from bot.catalog.models import Offering
from bot.catalog.overlay import load_overlay
from bot.catalog.prices import OfferingData
from bot.sync.upstream import from_snapshot, snapshot_label


def ensure_catalog(engine: Engine) -> None:
    """Migrate if needed and seed if empty; cheap (two small queries) when the catalog is ready."""
    if db.current_revision(engine) != db.HEAD_REVISION:
        db.upgrade(engine)
    with db.transaction(engine) as session:
        if session.scalar(select(exists().where(Offering.id.is_not(None)))):
            return
    seed(engine)


def seed(engine: Engine, offerings: list[OfferingData] | None = None, label: str | None = None) -> None:
    """Fill an empty catalog (upstream data defaults to the bundled snapshot); one transaction."""
    label = label or snapshot_label()
    data = from_snapshot() if offerings is None else offerings
    with db.transaction(engine) as session:
        # A second process seeding at the same time waits here, then finds the catalog full.
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(7301)"))
        if session.scalar(select(exists().where(Offering.id.is_not(None)))):
            return
        change = new_change(session, "seed", Actor(kind="snapshot", id=label))
        apply_upstream(session, data, change, retire_missing=False)
        apply_overlay(session, load_overlay())
