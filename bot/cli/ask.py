"""`modelcost ask` and `modelcost audit`: any command, answered as the terminal's operator.

A question is answered from the read model kept on disk when the catalog's version says it still holds:
on SQLite the version is read with the standard library, so a cold `modelcost ask` loads no SQLAlchemy
(a third of its time); on any database it loads no ORM, builds nothing and never loads the runner. So
this module imports at its top only what that needs, and the rest (the engine, the runner and what it
brings: the ORM, the builder, the feeds) where it is needed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.exits import EXIT_BAD_QUERY, EXIT_OK
from bot.config import Settings
from bot.contract.errors import NoChartError, UserError, user_message
from bot.contract.requests import CatalogRead
from bot.domain import lifecycle, query
from bot.read import questions, snapfile
from bot.render import text
from bot.store import version

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.contract.answers import Answer
    from bot.contract.requests import Request

# A workspace key as bot.domain.workspaces makes them (T123, E1:T123, E1:); Slack's ids are A-Z0-9.
TEAM_KEY = re.compile(r"T[A-Z0-9]+|E[A-Z0-9]+:(T[A-Z0-9]+)?")
# A SQLite file as SQLAlchemy names it, with nothing after the path (the engine renders it as given).
SQLITE_URL = re.compile(r"sqlite:///([^?#]+)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    team = getattr(args, "team", None)
    if team is not None and not TEAM_KEY.fullmatch(team):
        print(
            f"--team wants a workspace's key: T123, E1:T123 (a workspace in an Enterprise Grid) or E1: "
            f"(an org-wide install); not {team!r}.",
            file=sys.stderr,
        )
        return EXIT_BAD_QUERY
    asked = " ".join(args.text) + (" --all" if getattr(args, "all", False) else "")
    try:
        result = answer(asked, settings, team or "")
    except UserError as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_BAD_QUERY
    print(text.to_json(result) if args.json else text.to_text(result))
    return _chart(result, args) if getattr(args, "chart", None) else EXIT_OK


def audit(args: argparse.Namespace, settings: Settings) -> int:
    """`modelcost audit`: `/modelcost audit` in full; exit 0 (disagreements are findings, not failures)."""
    args.text = ["audit"]
    return run(args, settings)


def answer(asked: str, settings: Settings, team: str) -> Answer:
    """The answer to any command, as the terminal's operator, in the shared catalog or a team's view:
    from the kept read model when it holds (see above), else run by bot.commands.ask."""
    request = query.parse(asked)
    question = isinstance(request, CatalogRead) and not team
    found = SQLITE_URL.fullmatch(settings.database_url)
    if question and found is not None:
        kept = _kept(request, settings, settings.database_url, version.sqlite_version(Path(found.group(1))))
        if kept is not None:
            return kept
    from bot import db  # noqa: PLC0415  (SQLAlchemy: not on SQLite when the kept read model answers)
    from bot.store import schema  # noqa: PLC0415  (idem)

    engine = db.engine_for(settings.database_url)
    if not schema.ready(engine):  # migrating and seeding load much more: only when needed
        from bot.feeds.seed import ensure_catalog  # noqa: PLC0415  (Alembic, the bundled data)

        ensure_catalog(engine)
    elif question and found is None:
        kept = _kept(request, settings, engine, version.catalog_version(engine))
        if kept is not None:
            return kept
    # The runner, and with it the ORM, the read model's builder and the feeds.
    from bot.commands.ask import Context, respond_to  # noqa: PLC0415
    from bot.read import current  # noqa: PLC0415

    current.use_disk(engine, settings.cache_dir)  # the read model kept from the last run, if it still holds
    return respond_to(engine, request, Context.cli(team))


def _kept(
    request: Request, settings: Settings, database: Engine | str, seen: tuple[object, ...] | None
) -> Answer | None:
    """The answer to a question from the read model kept on disk for this catalog version and day, if any."""
    if seen is None or not isinstance(request, CatalogRead):
        return None
    model = snapfile.load(settings.cache_dir, database, seen, lifecycle.today())
    if model is None or not model.models:
        return None
    return questions.read(model, request)


def _chart(answer: Answer, args: argparse.Namespace) -> int:
    """`--chart PATH`: write the answer's chart(s) after it and print where (to stderr beside --json)."""
    from bot.render import charts  # noqa: PLC0415  (the charts' code: only for --chart)

    try:
        drawn = charts.charts_for(answer)
    except NoChartError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_QUERY
    for path in charts.write(drawn, Path(args.chart)):
        print(f"Chart: {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK
