"""First use: migrate an empty database and seed it from genai-prices' bundled snapshot and
the curated overlay, in one transaction, so the first `modelcost ask` just works offline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, exists, select, text
from sqlalchemy.orm import Session

from bot import db
from bot.contract.actor import Actor
from bot.domain.crosscheck import load_extract
from bot.domain.overlay import load_overlay
from bot.domain.prices import OfferingData
from bot.feeds import labapis
from bot.feeds.genai_prices import from_snapshot, snapshot_label
from bot.feeds.leaderboard import BUNDLED_DATE
from bot.feeds.scores import bundled_label, seed_scores
from bot.store import migrations, schema
from bot.store.curation import apply_overlay
from bot.store.lifecycle import apply_facts
from bot.store.prices import apply_upstream, new_change
from bot.store.scores import newest_board
from bot.store.tables import Offering, Score


def ensure_catalog(engine: Engine) -> None:
    """Migrate if needed and seed if empty; cheap (two small queries) when the catalog is ready."""
    if schema.current_revision(engine) != migrations.HEAD_REVISION:
        with _migrating(engine):
            if (
                schema.current_revision(engine) != migrations.HEAD_REVISION
            ):  # another process may have done it
                schema.upgrade(engine)
    with db.transaction(engine) as session:
        if session.scalar(select(exists().where(Offering.id.is_not(None)))):
            if _board_behind(session):
                _lock(engine, session)
                if _board_behind(session):
                    # A catalog from before scores were data, or whose board is older than the bundled
                    # one: the bundled board's scores, as dated moves beside the old (history keeps them).
                    seed_scores(session, new_change(session, "seed", leaderboard_label()))
            return
    seed(engine)


def _board_behind(session: Session) -> bool:
    """No score yet, or scores from a board older than the bundled one (or from an undated one)."""
    if not session.scalar(select(exists().where(Score.id.is_not(None)))):
        return True
    board = newest_board(session)
    return board is None or board.published_on < BUNDLED_DATE


@contextmanager
def _migrating(engine: Engine) -> Iterator[None]:
    """One process migrates at a time (web workers booting together, a worker and a release step)."""
    if engine.dialect.name != "postgresql":
        yield  # SQLite: one writer at a time anyway
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(7300)"))
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(7300)"))
            conn.commit()


def _lock(engine: Engine, session: Session) -> None:
    # A second process seeding at the same time waits here, then finds the work done.
    if engine.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7301)"))


def add_lab_apis(session: Session) -> None:
    """The labs' own APIs genai-prices lacks (bot.feeds.labapis), as one change by their source; no
    change is kept when they are already as listed."""
    change = new_change(session, "seed", labapis.source())
    result = apply_upstream(session, labapis.offerings(), change, retire_missing=False)
    if not (result.changed or result.added):
        session.delete(change)
    session.flush()


def leaderboard_label() -> Actor:
    return bundled_label()


def seed(engine: Engine, offerings: list[OfferingData] | None = None, label: str | None = None) -> None:
    """Fill an empty catalog (upstream data defaults to the bundled snapshot); one transaction."""
    label = label or snapshot_label()
    data = from_snapshot() if offerings is None else offerings
    with db.transaction(engine) as session:
        _lock(engine, session)
        if session.scalar(select(exists().where(Offering.id.is_not(None)))):
            return
        change = new_change(session, "seed", Actor(kind="snapshot", id=label))
        apply_upstream(session, data, change, retire_missing=False)
        add_lab_apis(session)
        apply_overlay(session, load_overlay())
        apply_facts(session, load_extract())  # retirement days and input limits (LiteLLM, bundled)
        seed_scores(session, new_change(session, "seed", leaderboard_label()))
