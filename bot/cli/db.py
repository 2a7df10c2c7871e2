"""`modelcost db upgrade`: migrate the database and seed the catalog, then apply the curated overlay and
the cross-check's lifecycle facts."""

from __future__ import annotations

import argparse

from bot import db
from bot.cli.exits import EXIT_OK
from bot.config import Settings
from bot.domain.overlay import load_overlay
from bot.feeds.seed import add_lab_apis, ensure_catalog
from bot.store import schema
from bot.store.crosscheck import current_facts
from bot.store.curation import apply_overlay
from bot.store.lifecycle import apply_facts


def run(args: argparse.Namespace, settings: Settings) -> int:
    engine = db.engine_for(settings.database_url)
    schema.upgrade(engine)
    ensure_catalog(engine)
    with db.transaction(engine) as session:
        add_lab_apis(session)  # a catalog seeded before a lab API was known gets it here
        apply_overlay(session, load_overlay())
        apply_facts(session, current_facts(session))  # a catalog from before 0004 gets its lifecycle here
    print(f"database ready at revision {schema.current_revision(engine)}")
    return EXIT_OK
