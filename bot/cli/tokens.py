"""`modelcost tokens`: print a new MODELCOST_TOKEN_KEY (`key`), or encrypt every stored Slack token again
under the first of its keys (`rotate`), so that the others can be dropped."""

from __future__ import annotations

import argparse

from bot import db
from bot.cli.exits import EXIT_OK
from bot.config import Settings
from bot.feeds.seed import ensure_catalog
from bot.slackapi.tokens import rotate
from bot.store.cipher import new_key, token_cipher


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "key":
        print(new_key())
        return EXIT_OK
    cipher = token_cipher(settings)
    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)  # a database from before 0008 has its tokens encrypted first
    done = rotate(engine, cipher)
    meanwhile = f"; {done.changed} row(s) saved by the app meanwhile left as saved" if done.changed else ""
    print(
        f"{done.values} token(s) in {done.rows} row(s) encrypted again under the first key of "
        f"MODELCOST_TOKEN_KEY{meanwhile}. If the web app and the worker run with this same list, the keys "
        "after the first can now be removed."
    )
    return EXIT_OK
