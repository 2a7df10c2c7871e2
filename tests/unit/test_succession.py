"""Floors: a model without a score takes its nearest scored predecessor's, and never when it has its own."""

import pytest

from bot.domain.succession import Floor, floor_for, lineage

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
