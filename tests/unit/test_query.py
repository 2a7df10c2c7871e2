"""The query language: text -> typed requests, and friendly errors for everything else."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from bot.contract.errors import QueryError
from bot.contract.requests import (
    AlternativesRequest,
    CompareRequest,
    HelpRequest,
    ListRequest,
    ModelRequest,
    RepriceRequest,
    SetWorkloadRequest,
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
        ("r1 vs o1 for 2B in 0 out", Workload(2_000_000_000, 0)),
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
        ("r1 vs o1 for 10M in 20M cached 1M out", "Cached tokens are part of the input"),
        ("r1 vs o1 for 10M sideways", "couldn't read the workload"),
        ("r1 vs o1 for 999999999999B in", "larger than any real job"),
        ("r1 vs o1 for 10M in", "needs both input and output tokens"),
        ("r1 vs o1 for 2B in", "needs both input and output tokens"),
        ("r1 vs o1 for batch batch", "gives a service tier twice"),
        ("r1 vs o1 for 10M in 2M out, batch, flex", "gives a service tier twice"),
        ("r1 vs o1 for 10M in 2M out, off-peak, off-peak", "gives off-peak twice"),
        ("r1 vs o1 for 10M in 2M out, 300k prompts, 200k prompts", "gives a prompt size twice"),
        ("r1 vs o1 for 10M in 2M out, 3M in", "gives input tokens twice"),
        ("r1 vs o1 for 10M in 2M out, 30% cached, 2M cached", "gives cached tokens twice"),
        ("r1 vs o1 for 10M in 2M out, 140% cached", "between 0% and 100%"),
        ("r1 vs o1 for 10M in 2M out, 8M cached, 3M cache writes", "together at most the input"),
        ("r1 vs o1 for 10M in 2M out, 1h prompts", "couldn't read the workload"),
        ("r1 vs o1 for 10M in 2M out, 0 prompts", "at least one token"),
        ("vs", "Which model?"),
        ("r1 vs " + "y" * 150, "too long for a model name"),
    ],
)
def test_bad_queries_say_what_works(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)


W = Workload(10_000_000, 2_000_000)


@pytest.mark.parametrize(
    ("spec", "workload"),
    [
        ("10M in 2M out, batch", replace(W, service_tier="batch")),
        ("batch, 10M in 2M out", replace(W, service_tier="batch")),
        ("10M in 2M out, flex", replace(W, service_tier="flex")),
        ("10M in 2M out, priority tier", replace(W, service_tier="priority")),
        ("10M in 2M out, off-peak", replace(W, offpeak=True)),
        ("10M in 2M out, offpeak", replace(W, offpeak=True)),
        ("10M in 2M out, 300k prompts", replace(W, prompt_tokens=300_000)),
        ("10M in 2M out, 2M cache writes", replace(W, cache_write_tokens=2_000_000)),
        ("10M in 2M out, 2M 5m cache writes", replace(W, cache_write_tokens=2_000_000)),
        ("10M in 2M out, 2M 1h cache writes", replace(W, cache_write_1h_tokens=2_000_000)),
        ("10M in 2M out, 2M 1-hour cache writes", replace(W, cache_write_1h_tokens=2_000_000)),
        ("10M in 2M out, 8M cached", replace(W, cached_share=Decimal("0.8"))),
        (
            "off-peak, 300k prompts, 10M in, 30% cached, 1M cache writes, 1M 1h cache writes, batch, 2M out",
            replace(
                W,
                cached_share=Decimal("0.3"),
                cache_write_tokens=1_000_000,
                cache_write_1h_tokens=1_000_000,
                prompt_tokens=300_000,
                service_tier="batch",
                offpeak=True,
            ),
        ),
    ],
)
def test_workload_parts_in_any_order(spec: str, workload: Workload) -> None:
    req = parse(f"r1 vs o1 for {spec}")
    assert isinstance(req, CompareRequest)
    assert req.workload == workload


def test_a_task_keeps_its_own_for() -> None:
    assert parse("cheaper o1 for math for 10M in 2M out, batch") == AlternativesRequest(
        name="o1", category="math", workload=replace(W, service_tier="batch")
    )


def test_bad_workloads_name_the_accepted_forms() -> None:
    with pytest.raises(QueryError) as caught:
        parse("o1 for 10M in")
    for form in (
        "`30% cached`",
        "`2M cache writes`",
        "`2M 1h cache writes`",
        "`300k prompts`",
        "`batch`",
        "`off-peak`",
    ):
        assert form in str(caught.value)


def test_the_team_default_workload() -> None:
    assert parse("set workload 50M in 5M out, 20% cached") == SetWorkloadRequest(
        spec="50m in 5m out, 20% cached"
    )
    assert parse("unset workload") == SetWorkloadRequest(spec=None)
    with pytest.raises(QueryError, match="needs both input and output tokens"):
        parse("set workload 50M in")
    with pytest.raises(QueryError, match="set workload 50M in 5M out"):
        parse("set workload")


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("reprice", RepriceRequest()),
        ("reprice --on deepseek-v4-pro,kimi-k2.6", RepriceRequest(on=["deepseek-v4-pro", "kimi-k2.6"])),
        (
            "Reprice --for Coding --on claude opus 4.5",
            RepriceRequest(on=["claude opus 4.5"], category="coding"),
        ),
        ("reprice on r1, o1 for math", RepriceRequest(on=["r1", "o1"], category="math")),
    ],
)
def test_reprice_options(text: str, request_: RepriceRequest) -> None:
    assert parse(text) == request_


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("reprice usage.csv", "`reprice` takes `--on` and `--for`"),
        ("reprice --on", "Give `--on` once, with a value"),
        ("reprice --for coding --for math", "Give `--for` once"),
        ("reprice --for knitting", "`--for` wants a task: overall, coding"),
        ("reprice --on a,b,c,d,e,f,g", "`--on` takes at most 6 models"),
    ],
)
def test_reprice_mistakes_say_what_works(text: str, says: str) -> None:
    with pytest.raises(QueryError, match=re.escape(says)):
        parse(text)
