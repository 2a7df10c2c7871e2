"""The query language: text -> typed requests, and friendly errors for everything else."""

from decimal import Decimal

import pytest

from bot.contract.errors import QueryError
from bot.contract.requests import (
    AlternativesRequest,
    CompareRequest,
    HelpRequest,
    ListRequest,
    ModelRequest,
    Workload,
)
from bot.domain.query import parse


@pytest.mark.parametrize(
    "text",
    [
        "r1 vs o1",
        "R1 VS o1",
        "r1 vs. o1",
        "r1 versus o1",
        "r1, o1",
        "r1 and o1",
        "  r1   vs   o1  ",
        "r1\u00a0vs\u00a0o1",
        "r1 & o1",
        "r1 vs o1?",
    ],
)
def test_compare_separators(text: str) -> None:
    assert parse(text) == CompareRequest(names=["r1", "o1"])


def test_compare_many_and_names_with_spaces() -> None:
    req = parse("deepseek r1, llama 3.3 70b and claude sonnet 4 vs gpt-4.1")
    assert isinstance(req, CompareRequest)
    assert req.names == ["deepseek r1", "llama 3.3 70b", "claude sonnet 4", "gpt-4.1"]


@pytest.mark.parametrize(
    ("text", "workload"),
    [
        ("r1 vs o1 for 10M in 2M out", Workload(10_000_000, 2_000_000)),
        ("r1 vs o1 for 10m input, 2m output", Workload(10_000_000, 2_000_000)),
        ("r1 vs o1 for 1.5k in 500 out", Workload(1_500, 500)),
        ("r1 vs o1 for 2B in", Workload(2_000_000_000, 0)),
        ("r1 vs o1 for 10M in 2M out 30% cached", Workload(10_000_000, 2_000_000, Decimal("0.3"))),
        ("r1 vs o1 for 10M in 2M out with 30% cached", Workload(10_000_000, 2_000_000, Decimal("0.3"))),
        ("r1 vs o1 for 10M in 8M cached 2M out", Workload(10_000_000, 2_000_000, Decimal("0.8"))),
    ],
)
def test_workloads(text: str, workload: Workload) -> None:
    req = parse(text)
    assert isinstance(req, CompareRequest)
    assert req.workload == workload


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("o1", ModelRequest(name="o1")),
        ("cheaper o1", AlternativesRequest(name="o1")),
        ("alternatives to o1", AlternativesRequest(name="o1")),
        ("cheaper than gpt-4o", AlternativesRequest(name="gpt-4o")),
        (
            "cheaper o1 for 1M in 1M out",
            AlternativesRequest(name="o1", workload=Workload(1_000_000, 1_000_000)),
        ),
        ("list", ListRequest()),
        ("list open", ListRequest(filter="open")),
        ("LIST Anthropic", ListRequest(filter="anthropic")),
        ("list all", ListRequest(all=True)),
        ("list all openai", ListRequest(filter="openai", all=True)),
        ("list allenai", ListRequest(filter="allenai")),
        ("help", HelpRequest()),
        ("", HelpRequest()),
        ("   ", HelpRequest()),
    ],
)
def test_other_commands(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a, b, c, d, e, f, g", "at most 6 models"),
        ("x" * 1500, "at most 1000"),
        ("r1 vs o1 for 10M in 20M cached", "Cached tokens are part of the input"),
        ("r1 vs o1 for 10M sideways", "couldn't read the workload"),
        ("r1 vs o1 for 999999999999B in", "larger than any real job"),
        ("vs", "Which model?"),
        ("r1 vs " + "y" * 150, "too long for a model name"),
    ],
)
def test_bad_queries_say_what_works(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)
