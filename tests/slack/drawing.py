"""A stand-in for bot.slack.charts.draw that the tests control: it notes each draw in a file, then keeps a
CPU busy (as matplotlib does) until another file exists, then draws for real. Importable in the app's
drawing process, which runs whatever draw the app hands it: `held(log, release)` pickles with its paths.
`held_app()` is the gunicorn app (`tests.slack.drawing:held_app()`) whose charts are drawn so, the paths
taken from HELD_DRAW_LOG and HELD_DRAW_RELEASE."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from bot.contract.answers import Answer
from bot.slack import charts

HOLD_S = 60.0  # a test that fails never releases its draw: it stops holding after this
_draw = charts.draw  # the real one, whatever a test puts in its place


def held(log: str | Path, release: str | Path) -> partial[bytes | None]:
    """A draw that notes itself in `log` and draws once `release` exists."""
    return partial(_held_draw, str(log), str(release))


def draws(log: Path) -> int:
    """How many draws have begun."""
    return len(log.read_text().splitlines()) if log.exists() else 0


def wait_for_draws(log: Path, count: int = 1) -> None:
    deadline = time.monotonic() + HOLD_S
    while draws(log) < count:
        assert time.monotonic() < deadline, "no draw began"
        time.sleep(0.01)


def held_app() -> object:
    charts.draw = held(os.environ["HELD_DRAW_LOG"], os.environ["HELD_DRAW_RELEASE"])
    from bot.slack.wsgi import app

    return app


def _held_draw(log: str, release: str, answer: Answer) -> bytes | None:
    with open(log, "a") as f:
        f.write("draw\n")
    deadline = time.monotonic() + HOLD_S
    while not os.path.exists(release) and time.monotonic() < deadline:
        pass  # busy, not asleep: a sleep would let gevent serve others, as matplotlib does not
    return _draw(answer)
