"""Text built to cost a worker dearly (a pattern, huge numbers, hundreds of names or words) gets an
answer or a friendly error through the path every command takes (bot.commands.ask.respond), for every command.

Each is bounded by a generous guard, as issue 23 asks: a guard against blow-ups, not a speed test.
Before the issue, `list` and twenty `%` ran a regex for hours, and a chart or subscription of names
made of many words looked each span of words up fuzzily, for minutes.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.answers import Answer
from bot.contract.errors import UserError, user_message
from bot.domain import query
from tests.conftest import Backends

GUARD_S = 5  # each answer takes milliseconds; before the issue, some took minutes or hours
O1S = " ".join(["o1"] * 33)  # a 98-character name of 33 words, each of them a model

CASES = {
    # list: the filter was a pattern (% and _ as wildcards), run over every lab's and host's name
    "list with twenty %": "list " + "%" * 20 + "#",
    "list all with twenty %": "list all " + "%" * 20 + "#",
    "list with %_ repeated": "list " + "%_" * 300 + "#",
    "list with forty _": "list " + "_" * 40,
    "list with a long filter": "list " + "x" * 990,
    # help, and text that is too long whatever it says
    "help padded with spaces": "help" + " " * 3000,
    "help repeated": "help " * 190,
    "a 3,000-character name": "x" * 3000,
    "a command as long as Slack's body": "o1 " * 87_000,
    # one model
    "a 100-character name": "x" * 100,
    "a name of 33 model names": O1S,
    "hosts repeated": "o1 hosts" + " hosts" * 150,
    # comparisons
    "a 500-model comparison": " vs ".join(["o1"] * 500),
    "a 333-model comparison within the length": ",".join(["o1"] * 333),
    "a comparison with a name of 33 names": "r1 vs " + O1S,
    "separators alone": ", " * 400,
    "many separators between two models": "r1 " + "vs " * 300 + "o1",
    "for for for, then a task": "r1 " + "for " * 240 + "coding",
    "for for for, then a number": "r1 " + "for " * 240 + "1",
    "for for for alone": "for " * 240,
    # workloads
    "huge numbers in a workload": "r1 vs o1 for 99999999999999999999999999999999999M in 1e999 out",
    "a 5,000-digit workload": "r1 vs o1 for 1" + "0" * 5000 + " in",
    "a 900-digit workload": "r1 vs o1 for 1" + "0" * 900 + " in",
    "a 900-decimal workload": "r1 vs o1 for 1." + "1" * 900 + "M in",
    "a workload of many parts": "r1 vs o1 for " + "1 in " * 180,
    "a workload of many commas": "r1 vs o1 for " + "1," * 400 + "1 in",
    # cheaper
    "cheaper cheaper cheaper": "cheaper " * 120 + "o1",
    "cheaper than a name of 33 names": "cheaper " + O1S,
    "alternatives to alternatives to": "alternatives to " * 60 + "o1",
    "cheaper --all repeated": "cheaper o1" + " --all" * 140,
    "cheaper for a task repeated": "cheaper o1 for " + "coding " * 120,
    # chart
    "chart six names of 33 names": "chart " + ", ".join([O1S] * 6),
    "chart a name of 33 names": "chart " + O1S,
    "chart 300 words": "chart " + "zq " * 300,
    "chart 300 names": "chart " + ", ".join(["o1"] * 300),
    # set and unset
    "set the same price 110 times": "set o1 " + "input 1 " * 110,
    "set a 3,000-character name": "set " + "x" * 3000,
    "set a 900-digit price": "set o1 input " + "9" * 900,
    "set an exponent": "set o1 input 1e999",
    "set a 900-digit score": "set o1 score " + "9" * 900,
    "set a superscript score": "set o1 score ²",
    "set a score after 480 words": "set " + "a " * 480 + "score 1400",
    "set at a host of 400 words": "set o1 at " + "x " * 400 + "input 1",
    "unset after 480 words": "unset " + "a " * 480 + "score",
    # alias, unalias, history
    "alias a 900-character alias": "alias " + "x" * 900 + " o1",
    "alias to a 900-character name": "alias a " + "x" * 900,
    "alias to a name of 33 names": "alias a " + O1S,
    "unalias a 900-character alias": "unalias " + "x" * 900,
    "unalias a name of 33 names": "unalias " + O1S,
    "history of a 99-character name": "history " + "x" * 99,
    "history of a name of 33 names": "history " + O1S,
    # subscriptions
    "subscribe to nine names of 33 names": "subscribe " + ", ".join([O1S] * 9),
    "subscribe to 330 names": "subscribe " + ",".join(["o1"] * 330),
    "subscribe above a 900-digit threshold": "subscribe above " + "9" * 900,
    "subscribe above, repeated": "subscribe " + "above 1 " * 120,
    "unsubscribe with text after it": "unsubscribe " + "x" * 900,
    "a digest with a 900-character zone": "subscribe digest weekly friday 16:00 " + "x/" * 450,
    "a digest with hundreds of words": "subscribe digest daily " + "monday " * 300,
    "a family of 33 words": "subscribe family " + O1S,
    "alerts with text after it": "alerts " + "digest-only " * 200,
    "subscriptions with text after it": "subscriptions " + "x" * 900,
    # sync and audit
    "sync dry-run repeated": "sync " + "dry-run " * 100,
    "audit with text after it": "audit " + "x" * 900,
    # reprice: options split by a pattern; many --on names, many options
    "reprice with many --on names": "reprice --on " + ",".join(["o1"] * 400),
    "reprice with options repeated": "reprice " + "--on o1 --for coding " * 100,
    "reprice with a long --for": "reprice --for " + "coding " * 400,
}


class _TookTooLong(BaseException):
    """Raised by the guard's alarm: a BaseException, so no `except Exception` on the way swallows it."""


@contextmanager
def guard(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise _TookTooLong(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def catalog_copy(backends: Backends) -> Iterator[Engine]:
    """A seeded catalog of this module's own: a command here that gets through may write."""
    engine = db.make_engine(backends["sqlite"].seeded(kept=True))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("text", list(CASES.values()), ids=list(CASES))
def test_costly_text_gets_an_answer_or_a_friendly_error_in_time(catalog_copy: Engine, text: str) -> None:
    admin_in_a_channel = Context.slack("U0ALICE", "C0GENERAL", lambda _: True)
    answer: Answer | None = None
    error: UserError | None = None
    with guard(GUARD_S):
        try:
            answer = respond(catalog_copy, text, admin_in_a_channel)
        except UserError as exc:
            error = exc
    assert answer is not None or (error is not None and user_message(error))


def test_every_command_has_costly_text() -> None:
    verbs = {text.split(" ", 1)[0] for text in CASES.values()}
    assert set(query._VERBS) | {"list", "help", "cheaper", "chart"} <= verbs
