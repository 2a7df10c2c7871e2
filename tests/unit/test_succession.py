"""Floors: a model LMArena does not list takes the newest scored predecessor in its family (by version,
and release date where both are known), never a successor, never another family, and never when it has
its own score.
Successors: a retired model's chain runs to the first live one."""

from datetime import date

import pytest

from bot.domain.succession import (
    Floor,
    Known,
    floor_for,
    lineage,
    lineages,
    successor_chain,
    successors_of,
    version_of,
)

SUCCEEDS = {"grok-4.7": "grok-4", "claude-sonnet-5.5": "claude-sonnet-4.5"}
MODELS = [
    Known("grok-4", date(2025, 7, 9), family="grok"),
    Known("grok-4.3"),
    Known("grok-4.5"),
    Known("grok-4.6"),
    Known("grok-4.7", family="grok"),
    Known("grok-4.20"),  # 4.20 is a later version than 4.7: never its predecessor
    Known("grok-4-fast", date(2025, 9, 19), family="grok-fast"),
    Known("claude-3.5-sonnet", date(2024, 10, 22), family="claude-sonnet"),
    Known("claude-sonnet-4.5", date(2025, 9, 29), family="claude-sonnet"),
    Known("claude-sonnet-5"),
    Known("claude-sonnet-5.5", family="claude-sonnet"),
    Known("claude-opus-5"),
    Known("gemini-3.7-flash"),
    Known("gemini-3.8-flash", family="gemini-flash"),
    Known("gemini-3.1-pro", date(2026, 2, 19), family="gemini-pro"),
    Known("gemini-3.5-pro", date(2026, 1, 1)),  # a higher version released earlier: not a predecessor
    Known("gemini-3.6-pro", date(2026, 3, 1)),
]
LINES = lineages(MODELS, SUCCEEDS)


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("grok-4.7", ("grok-4.6", "grok-4.5", "grok-4.3", "grok-4")),
        ("claude-sonnet-5.5", ("claude-sonnet-5", "claude-sonnet-4.5", "claude-3.5-sonnet")),
        ("gemini-3.8-flash", ("gemini-3.7-flash",)),
        ("gemini-3.6-pro", ("gemini-3.5-pro", "gemini-3.1-pro")),
        ("grok-4", ()),
    ],
)
def test_predecessors_are_the_familys_older_members_newest_first(
    model_id: str, expected: tuple[str, ...]
) -> None:
    assert LINES.get(model_id, ()) == expected


def test_a_later_version_released_earlier_is_no_predecessor() -> None:
    lines = lineages(
        [Known("gemini-3.1-pro", date(2026, 2, 19)), Known("gemini-3.0-pro", date(2026, 3, 1))], {}
    )
    assert "gemini-3.0-pro" not in lines.get("gemini-3.1-pro", ())


@pytest.mark.parametrize(
    ("model", "scores", "expected"),
    [
        ("grok-4.7", {"grok-4.5": 1452, "grok-4": 1410}, Floor("grok-4.5", 1452, 2)),  # never grok-4-0709
        ("grok-4.7", {"grok-4.6": 1444, "grok-4.5": 1452}, Floor("grok-4.6", 1444, 1)),  # the newest
        ("grok-4.7", {"grok-4-fast": 1398}, None),  # another family
        ("grok-4.7", {"grok-4.20": 1451}, None),  # a successor
        ("claude-sonnet-5.5", {"claude-sonnet-4.5": 1438}, Floor("claude-sonnet-4.5", 1438, 2)),
        ("claude-sonnet-5.5", {"claude-sonnet-5.5": 1460, "claude-sonnet-5": 1442}, None),  # its own wins
        ("claude-sonnet-5.5", {}, None),
        ("claude-opus-5", {"claude-sonnet-5": 1442}, None),
    ],
)
def test_floor_is_the_newest_scored_predecessor(
    model: str, scores: dict[str, int], expected: Floor[int] | None
) -> None:
    assert floor_for(model, scores, LINES) == expected


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("grok-4.7", ("grok-#", (4, 7))),
        ("claude-opus-5", ("claude-opus-#", (5,))),
        ("gemini-3.8-flash", ("gemini-#-flash", (3, 8))),
        ("kimi-k2.6", ("kimi-k#", (2, 6))),
        ("qwen3.5-397b-a17b", ("qwen#-397b-a17b", (3, 5))),
        ("gpt-4o", None),
        ("gpt-oss-120b", None),
    ],
)
def test_an_id_reads_as_a_family_pattern_and_a_version(model_id: str, expected: object) -> None:
    assert version_of(model_id) == expected


def test_the_curated_chain_is_nearest_first_and_stops_on_a_loop() -> None:
    chain = {"sonnet-5.5": "sonnet-4.5", "sonnet-4.5": "sonnet-4"}
    assert lineage("sonnet-5.5", chain) == ["sonnet-4.5", "sonnet-4"]
    assert lineage("a", {"a": "b", "b": "a"}) == ["b"]


SUCCESSORS = {"o1": "o3", "o3": "gpt-5.6-sol", "3.7": "4.5", "4.5": "4.6", "a": "b", "b": "a"}


@pytest.mark.parametrize(
    ("model", "retired", "expected"),
    [
        ("o1", {"o1"}, ["o3"]),  # o3 is live: the chain stops there
        ("o1", {"o1", "o3"}, ["o3", "gpt-5.6-sol"]),  # o3 retired too: on to a live one
        ("3.7", {"3.7", "4.5"}, ["4.5", "4.6"]),
        ("4.6", set(), []),  # no successor
        ("a", {"a", "b"}, ["b"]),  # a loop stops
        ("gpt-5.6-sol", {"o1", "o3"}, []),
    ],
)
def test_a_chain_of_successors_runs_to_the_first_live_model(
    model: str, retired: set[str], expected: list[str]
) -> None:
    assert successor_chain(model, SUCCESSORS, retired) == expected


def test_successors_are_named_else_the_newest_follower_of_a_retired_model() -> None:
    named = {"o1": "gpt-5.6-sol"}
    predecessors = {"sonnet-5": "sonnet-4.5", "sonnet-4.6": "sonnet-4.5", "o3": "o1", "opus-5": "opus-4"}
    release = {"sonnet-5": date(2026, 5, 1), "sonnet-4.6": date(2026, 2, 1)}
    got = successors_of(named, predecessors, release, retired={"sonnet-4.5", "o1"})
    assert got == {"o1": "gpt-5.6-sol", "sonnet-4.5": "sonnet-5"}  # opus-4 is live: none made up
