"""Floors: a model without a score takes its nearest scored predecessor's, and never when it has its own.
Successors: a retired model's chain runs to the first live one."""

from datetime import date

import pytest

from bot.domain.succession import Floor, floor_for, lineage, successor_chain, successors_of

PREDECESSORS = {"sonnet-5.5": "sonnet-4.5", "sonnet-4.5": "sonnet-4", "sonnet-4": "sonnet-3.7"}


@pytest.mark.parametrize(
    ("model", "scores", "expected"),
    [
        ("sonnet-5.5", {"sonnet-4.5": 1427, "sonnet-4": 1338}, Floor("sonnet-4.5", 1427, 1)),
        ("sonnet-5.5", {"sonnet-4": 1338, "sonnet-3.7": 1300}, Floor("sonnet-4", 1338, 2)),
        ("sonnet-5.5", {"sonnet-5.5": 1460, "sonnet-4.5": 1427}, None),  # its own score wins
        ("sonnet-5.5", {}, None),
        ("sonnet-3.7", {"sonnet-4": 1338}, None),  # successors are never floors
        ("unknown", {"sonnet-4": 1338}, None),
    ],
)
def test_floor_is_the_nearest_scored_predecessor(
    model: str, scores: dict[str, int], expected: Floor[int] | None
) -> None:
    assert floor_for(model, scores, PREDECESSORS) == expected


def test_lineage_is_nearest_first_and_stops_on_a_loop() -> None:
    assert lineage("sonnet-5.5", PREDECESSORS) == ["sonnet-4.5", "sonnet-4", "sonnet-3.7"]
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
