"""`modelcost` subcommands; main(argv) -> exit code. Errors become messages here, at the edge."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

# The CLI uses no pydantic plugins, and looking for them reads every installed package's metadata
# when the first model is built: ~10 ms of a cold `modelcost ask`. Set it to "" to have them looked for.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from bot.config import Settings, SettingsError  # noqa: E402  (after the line above)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.catalog.answers import Answer
    from bot.sync.summary import SyncSummary

EXIT_OK, EXIT_ERROR, EXIT_BAD_QUERY = 0, 1, 2
# A workspace key as bot.catalog.workspaces makes them (T123, E1:T123, E1:); Slack's ids are A-Z0-9.
TEAM_KEY = re.compile(r"T[A-Z0-9]+|E[A-Z0-9]+:(T[A-Z0-9]+)?")
# A SQLite file as SQLAlchemy names it, with nothing after the path (the engine renders it as given).
SQLITE_URL = re.compile(r"sqlite:///([^?#]+)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_QUERY
    try:
        settings = Settings.from_env()
        result: int = args.func(args, settings)
    except SettingsError as exc:
        print(f"modelcost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modelcost", description="LLM API prices, one command away.")
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help='answer a /modelcost command offline, e.g. modelcost ask "r1 vs o1"')
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--all", action="store_true", help="cheaper …: every comparable model, not the best 8")
    ask.add_argument("--chart", metavar="PATH", help="also write the chart as PNG (cheaper, vs, history)")
    ask.add_argument(
        "--team",
        metavar="T",
        help="see or change one workspace's view (T123; E1:T123 in an Enterprise Grid; E1: org-wide)",
    )
    ask.add_argument("text", nargs="*", help="the command text")
    ask.set_defaults(func=_ask)

    aud = sub.add_parser(
        "audit", help="where prices disagree with LiteLLM's price file, and retired offerings still listed"
    )
    aud.add_argument("--json", action="store_true", help="print the audit as JSON")
    aud.add_argument("--team", metavar="T", help="audit one workspace's view (its own prices)")
    aud.set_defaults(func=_audit)

    dbp = sub.add_parser("db", help="database commands")
    dbp.add_argument("action", choices=["upgrade"], help="upgrade: migrate and seed the catalog")
    dbp.set_defaults(func=_db)

    work = sub.add_parser(
        "worker",
        help="deliver alerts, and sync the price, quality and cross-check feeds (MODELCOST_SYNC_INTERVAL, "
        "MODELCOST_QUALITY_SYNC_INTERVAL, MODELCOST_CROSSCHECK_SYNC_INTERVAL)",
    )
    work.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    work.add_argument(
        "--lease",
        type=float,
        default=120.0,
        help="seconds a claimed alert stays reserved before another worker may retry it "
        "(keep it well above a post's 20 s at most)",
    )
    work.set_defaults(func=_worker)

    syncp = sub.add_parser(
        "sync",
        help="update prices (MODELCOST_FEED_URL), quality scores (MODELCOST_QUALITY_FEED_URL), then "
        "LiteLLM's cross-check facts (MODELCOST_CROSSCHECK_URL)",
    )
    syncp.add_argument(
        "feed",
        nargs="?",
        choices=["prices", "quality", "crosscheck"],
        help="only this feed (default: prices, quality, then crosscheck; prices alone with --url)",
    )
    syncp.add_argument("--url", help="fetch this feed instead of the configured one")
    syncp.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    syncp.set_defaults(func=_sync)

    sock = sub.add_parser("socket", help="run the Slack app over Socket Mode (development; SLACK_APP_TOKEN)")
    sock.set_defaults(func=_socket)

    serve = sub.add_parser("serve", help="run the Slack app over HTTP under gunicorn on 0.0.0.0:$PORT")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    serve.set_defaults(func=_serve)

    tokens = sub.add_parser(
        "tokens", help="the Slack tokens stored in oauth mode, encrypted (MODELCOST_TOKEN_KEY)"
    )
    tokens.add_argument(
        "action",
        choices=["key", "rotate"],
        help="key: print a new key; rotate: encrypt every stored token again under the first key of "
        "MODELCOST_TOKEN_KEY, so that the others can be dropped",
    )
    tokens.set_defaults(func=_tokens)
    return parser


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.errors import UserError, user_message
    from bot.render import text

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
        result = (None if team else _answer_kept(asked, settings)) or _answer(asked, settings, team or "")
    except UserError as exc:
        print(user_message(exc), file=sys.stderr)
        return EXIT_BAD_QUERY
    print(text.to_json(result) if args.json else text.to_text(result))
    return _chart(result, args) if getattr(args, "chart", None) else EXIT_OK


def _answer(asked: str, settings: Settings, team: str) -> Answer:
    """The answer to any command, as the terminal's operator, in the shared catalog or a team's view."""
    from bot import db
    from bot.ask import Context, respond
    from bot.catalog import current, version

    engine = db.engine_for(settings.database_url)
    if not version.ready(engine):  # migrating and seeding load much more: only when needed
        from bot.sync.seed import ensure_catalog

        ensure_catalog(engine)
    current.use_disk(engine, settings.cache_dir)  # the read model kept from the last run, if it still holds
    return respond(engine, asked, Context.cli(team))


def _answer_kept(asked: str, settings: Settings) -> Answer | None:
    """The answer to a question from the read model kept on disk, when the SQLite catalog's version
    (read with the standard library) says it still holds: a cold `modelcost ask` then loads no
    SQLAlchemy, a third of its time. None for anything else (another database, a command that is not
    a question, a catalog changed since): `_answer` then does it all."""
    found = SQLITE_URL.fullmatch(settings.database_url)
    if found is None:
        return None
    from pathlib import Path

    from bot import query, questions
    from bot.catalog import lifecycle, snapfile, version

    request = query.parse(asked)
    if not isinstance(request, query.CatalogRead):
        return None
    seen = version.sqlite_version(Path(found.group(1)))
    if seen is None:
        return None
    model = snapfile.load(settings.cache_dir, settings.database_url, seen, lifecycle.today())
    if model is None or not model.models:
        return None
    return questions.read(model, request)


def _chart(answer: Answer, args: argparse.Namespace) -> int:
    """`--chart PATH`: write the answer's chart(s) after it and print where (to stderr beside --json)."""
    from pathlib import Path

    from bot.errors import NoChartError
    from bot.render import charts

    try:
        drawn = charts.charts_for(answer)
    except NoChartError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_QUERY
    for path in charts.write(drawn, Path(args.chart)):
        print(f"Chart: {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    """`modelcost audit`: `/modelcost audit` in full; exit 0 (disagreements are findings, not failures)."""
    args.text = ["audit"]
    return _ask(args, settings)


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot import db
    from bot.catalog.changes import apply_overlay
    from bot.catalog.lifecycle import apply_facts
    from bot.catalog.overlay import load_overlay
    from bot.catalog.second_source import current_facts
    from bot.sync.seed import ensure_catalog

    engine = db.engine_for(settings.database_url)
    db.upgrade(engine)
    ensure_catalog(engine)
    with db.transaction(engine) as session:
        apply_overlay(session, load_overlay())
        apply_facts(session, current_facts(session))  # a catalog from before 0004 gets its lifecycle here
    print(f"database ready at revision {db.current_revision(engine)}")
    return EXIT_OK


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot import db
    from bot.render.sync import summary_text
    from bot.sync.litellm import sync_crosscheck
    from bot.sync.quality import sync_quality
    from bot.sync.run import sync
    from bot.sync.seed import ensure_catalog

    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)  # a new catalog starts from the bundled snapshots; a feed is judged against them
    feeds = [args.feed] if args.feed else ["prices"] if args.url else ["prices", "quality", "crosscheck"]
    ok = True
    for i, feed in enumerate(feeds):
        if feed == "prices":
            summary = sync(engine, args.url or settings.feed_url, dry_run=args.dry_run)
        elif feed == "quality":
            summary = sync_quality(engine, args.url or settings.quality_feed_url, dry_run=args.dry_run)
        else:
            summary = sync_crosscheck(engine, args.url or settings.crosscheck_url, dry_run=args.dry_run)
        gap = "\n" if i else ""  # a blank line between the feeds' summaries
        print(gap + summary_text(summary), file=sys.stdout if summary.ok else sys.stderr)
        ok = ok and summary.ok
    return EXIT_OK if ok else EXIT_ERROR


def _socket(args: argparse.Namespace, settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError

    from bot.slack.socket_mode import run_socket_mode

    try:
        run_socket_mode(settings)
    except SettingsError as exc:
        print(f"modelcost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except SlackApiError as exc:
        print(f"modelcost: Slack refused the connection: {exc.response.get('error')}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    from bot.slack.app import check_settings

    try:
        check_settings(settings)
    except SettingsError as exc:
        print(f"modelcost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"0.0.0.0:{settings.port}",
        "--workers",
        str(args.workers),
        "--config",
        "python:bot.slack.gunicorn_conf",  # gevent workers: slow clients hold up no one
        "bot.slack.wsgi:app",
    ]
    os.execv(sys.executable, argv)  # gunicorn takes over the process, and its signals


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    import signal
    import threading
    import time

    from bot import db
    from bot.alerts.worker import Worker, slack_client
    from bot.sync.seed import ensure_catalog

    settings.check_mode(socket_mode=False)
    oauth = settings.slack_mode == "oauth"
    if oauth:
        from bot.cipher import token_cipher

        settings.require("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "MODELCOST_TOKEN_KEY")
        token_cipher(settings)  # a malformed key stops the worker now, in one line
    else:
        settings.require("SLACK_BOT_TOKEN")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("bot.sync")
    engine = db.engine_for(settings.database_url)
    ensure_catalog(engine)
    if oauth:
        from bot.slack.installs import Installs
        from bot.slack.oauth import STATE_PURGE_EVERY_S, purge_expired_states

        # Each workspace's alerts go out with its installation's token, refreshed when it rotates.
        tokens = Installs(settings, engine).bot_token
        worker = Worker(engine, slack_client(None, settings.slack_api_url), lease=args.lease, tokens=tokens)
    else:
        token = settings.slack_bot_token
        assert token is not None  # settings.require above
        worker = Worker(
            engine, slack_client(token.get_secret_value(), settings.slack_api_url), lease=args.lease
        )
    purged_at = float("-inf")

    def purge() -> None:
        """Oauth mode: the install states left unused, deleted once expired (every STATE_PURGE_EVERY_S)."""
        nonlocal purged_at
        if oauth and time.monotonic() - purged_at >= STATE_PURGE_EVERY_S:
            if purged := purge_expired_states(engine):
                log.info("deleted %d expired install state(s)", purged)
            purged_at = time.monotonic()

    if args.once:
        purge()
        print(f"sent {worker.run_once()} alert(s)")
        return EXIT_OK

    def tick() -> None:
        purge()
        for summary in sync_due_feeds(engine, settings):
            log.info("%s feed sync: %s %s", summary.feed, summary.status, summary.reason or "")

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run_forever(stop, tick=tick)
    return EXIT_OK


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cipher import new_key, token_cipher

    if args.action == "key":
        print(new_key())
        return EXIT_OK
    from bot import db
    from bot.slack.tokens import rotate
    from bot.sync.seed import ensure_catalog

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


def sync_due_feeds(engine: Engine, settings: Settings) -> list[SyncSummary]:
    """The worker's tick: sync each feed whose interval is up, prices, quality, then the cross-check."""
    from bot.sync.litellm import sync_crosscheck
    from bot.sync.quality import sync_quality
    from bot.sync.run import sync, sync_due

    done = []
    if sync_due(engine, settings.sync_interval, feed="prices"):
        done.append(sync(engine, settings.feed_url))
    if sync_due(engine, settings.quality_sync_interval, feed="quality"):
        done.append(sync_quality(engine, settings.quality_feed_url))
    if sync_due(engine, settings.crosscheck_sync_interval, feed="crosscheck"):
        done.append(sync_crosscheck(engine, settings.crosscheck_url))
    return done


if __name__ == "__main__":
    sys.exit(main())
