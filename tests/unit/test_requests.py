"""Request and answer types: every layer asks the type, and mypy fails where a new type is not handled."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

from bot.contract import answers, requests
from bot.domain import query

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = typing.get_args(requests.Request)
ANSWERS = typing.get_args(answers.Answer)


@pytest.mark.parametrize(
    ("text", "kind", "writes", "admin_only", "cacheable", "needs_channel"),
    [
        ("r1 vs o1", requests.CompareRequest, False, False, True, False),
        ("o1", requests.ModelRequest, False, False, True, False),
        ("cheaper o1", requests.AlternativesRequest, False, False, True, False),
        ("list", requests.ListRequest, False, False, True, False),
        ("help", requests.HelpRequest, False, False, True, False),
        ("history o1", requests.HistoryRequest, False, False, True, False),
        ("chart r1 o1 sonnet", requests.ChartRequest, False, False, True, False),
        ("set o1 output 5", requests.SetPriceRequest, True, True, False, False),
        ("set sonnet coding score 1490", requests.SetScoreRequest, True, True, False, False),
        ("alias x o1", requests.AliasRequest, True, True, False, False),
        ("unalias x", requests.UnaliasRequest, True, True, False, False),
        ("subscribe o1", requests.SubscribeRequest, True, False, False, True),
        ("unsubscribe", requests.UnsubscribeRequest, True, False, False, True),
        ("subscriptions", requests.SubscriptionsRequest, False, False, False, True),
        ("sync", requests.SyncRequest, True, True, False, False),
        ("sync status", requests.SyncStatusRequest, False, False, False, False),
        ("audit", requests.AuditRequest, False, True, False, False),
    ],
)
def test_each_request_type_states_what_it_needs(
    text: str, kind: type, writes: bool, admin_only: bool, cacheable: bool, needs_channel: bool
) -> None:
    request = query.parse(text)
    assert type(request) is kind
    assert (request.writes, request.admin_only, request.cacheable, request.needs_channel) == (
        writes,
        admin_only,
        cacheable,
        needs_channel,
    )


def test_the_table_above_covers_the_whole_union() -> None:
    assert len(REQUESTS) == 17  # a new request type: add its row above, then change this count


def test_requests_are_frozen() -> None:
    request = query.parse("r1 vs o1")
    with pytest.raises(Exception, match="frozen"):
        request.names = ["o1"]  # type: ignore[misc]


def _mypy(source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    stub = tmp_path / "handler_stub.py"
    stub.write_text(textwrap.dedent(source))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", str(stub)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )


def _handler(union: str, module: str, members: list[type]) -> str:
    imports = "\n".join(f"from {t.__module__} import {t.__name__}" for t in members)
    cases = "\n".join(f"        case {t.__name__}():\n            return 1" for t in members)
    return f"""
from typing import assert_never

from bot.contract import answers, requests
{imports}


def handle(x: {module}.{union}) -> int:
    match x:
{cases}
        case _:
            assert_never(x)
"""


@pytest.mark.parametrize(
    ("union", "module", "members"), [("Request", "requests", REQUESTS), ("Answer", "answers", ANSWERS)]
)
def test_a_type_without_a_handler_fails_type_checking(
    union: str, module: str, members: tuple[type, ...], tmp_path: Path
) -> None:
    """The dispatch pattern used in bot.commands.ask and bot.render: with every member handled mypy passes;
    leave one out (as a newly added type would be) and mypy fails at assert_never."""
    complete = _mypy(_handler(union, module, list(members)), tmp_path)
    assert complete.returncode == 0, complete.stdout
    missing = _mypy(_handler(union, module, list(members[:-1])), tmp_path)
    assert missing.returncode == 1
    assert "assert_never" in missing.stdout and members[-1].__name__ in missing.stdout
