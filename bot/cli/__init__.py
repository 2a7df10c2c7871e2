"""`modelcost`: main(argv) -> exit code, and its parser. Each subcommand is a module of this package
(ask, db, sync, serve, socket_mode, worker, tokens), loaded only when it runs, so that a cold `modelcost ask`
loads what asking needs and nothing else. Errors become messages here and in those modules, at the edge."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

# The CLI uses no pydantic plugins, and looking for them reads every installed package's metadata
# when the first model is built: ~10 ms of a cold `modelcost ask`. Set it to "" to have them looked for.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from bot.cli.exits import EXIT_BAD_QUERY, EXIT_ERROR  # noqa: E402
from bot.config import Settings, SettingsError  # noqa: E402  (after the line above)
from bot.domain.feeds import FEEDS, PRICES  # noqa: E402


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

    rep = sub.add_parser(
        "reprice",
        help="a usage export (OpenAI, Anthropic, LiteLLM, OpenRouter, plain CSV) at today's prices, "
        "on comparable open models and on named ones",
    )
    rep.add_argument("file", help="the usage file (CSV, 50 MB at most)")
    rep.add_argument("--on", metavar="MODELS", help="also price all of it on these models (comma-separated)")
    rep.add_argument(
        "--for", dest="task", metavar="TASK", help="comparable by this task's score (coding, math…)"
    )
    rep.add_argument("--json", action="store_true", help="print the answer as JSON")
    rep.add_argument("--chart", metavar="PATH", help="also write a bar chart as PNG")
    rep.set_defaults(func=_reprice)

    dbp = sub.add_parser("db", help="database commands")
    dbp.add_argument("action", choices=["upgrade"], help="upgrade: migrate and seed the catalog")
    dbp.set_defaults(func=_db)

    work = sub.add_parser(
        "worker",
        help=f"deliver alerts, and sync each feed when its interval is up "
        f"({', '.join(f.interval_env for f in FEEDS)})",
    )
    work.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    work.add_argument(
        "--now",
        metavar="ISO",
        help="with --once: decide what is due (countdowns, digests, lifecycle) as of this time, "
        "e.g. 2026-12-04T10:00:00Z; leases and claims keep the real clock",
    )
    work.add_argument(
        "--lease",
        type=float,
        default=120.0,
        help="seconds a claimed alert stays reserved before another worker may retry it "
        "(keep it well above a post's 20 s at most)",
    )
    work.set_defaults(func=_worker)

    syncp = sub.add_parser("sync", help=f"update {_then([f'{f.what} ({f.url_env})' for f in FEEDS])}")
    syncp.add_argument(
        "feed",
        nargs="?",
        choices=[f.name for f in FEEDS],
        help=f"only this feed (default: {_then([f.name for f in FEEDS])}; {PRICES.name} alone with --url)",
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


def _then(items: list[str]) -> str:
    """The feeds in the order they run, as words: a, b, then c."""
    *first, last = items
    return f"{', '.join(first)}, then {last}" if first else last


# Each subcommand's module, loaded when it runs.


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import ask

    return ask.run(args, settings)


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import ask

    return ask.audit(args, settings)


def _reprice(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import reprice

    return reprice.run(args, settings)


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import db

    return db.run(args, settings)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import sync

    return sync.run(args, settings)


def _socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import socket_mode

    return socket_mode.run(args, settings)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import serve

    return serve.run(args, settings)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import worker

    return worker.run(args, settings)


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import tokens

    return tokens.run(args, settings)
