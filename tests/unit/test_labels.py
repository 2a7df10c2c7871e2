"""Label placement: every label clear of every other label, of every point and of the leader lines,
inside the plot, however crowded the points."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.render.labels import Box, crosses, inside, marker_box, nearest_edge, overlaps, place_labels, spread

BOUNDS: Box = (0.0, 0.0, 700.0, 420.0)


def crowd(n: int, seed: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """n points, most of them bunched in one corner (as cheap open models are), with labels of model-name
    widths."""
    rng = random.Random(seed)
    points = [(rng.uniform(120, 330), rng.uniform(230, 380)) for _ in range(n - 5)]
    points += [(rng.uniform(20, 680), rng.uniform(20, 400)) for _ in range(5)]
    sizes = [(rng.uniform(50, 200), 12.0) for _ in range(n)]
    return points, sizes


@pytest.mark.parametrize("seed", [1, 2, 13, 42])
def test_25_crowded_labels_are_pairwise_disjoint_and_clear_of_every_point(seed: int) -> None:
    points, sizes = crowd(25, seed)
    placed = place_labels(points, sizes, BOUNDS, marker=6.0)
    boxes = [p.box for p in placed]
    assert all(p.free for p in placed)
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)
    for box in boxes:
        assert inside(box, BOUNDS)
        assert not any(overlaps(box, marker_box(x, y, 6.0)) for x, y in points)
    for (w, h), box in zip(sizes, boxes, strict=True):
        assert (box[2] - box[0], box[3] - box[1]) == pytest.approx((w, h))


@pytest.mark.parametrize("seed", [1, 2, 13, 42])
def test_leader_lines_cross_no_label(seed: int) -> None:
    """18 bunched points. (At 25 in that corner a few leaders have no clean way out and cross a label:
    the label itself still overlaps nothing, which the test above checks.)"""
    points, sizes = crowd(18, seed)
    placed = place_labels(points, sizes, BOUNDS, marker=6.0)
    for i, spot in enumerate(placed):
        if not spot.leader:
            continue
        x, y = points[i]
        segment = ((x, y), nearest_edge(spot.box, x, y))
        assert not any(crosses(*segment, other.box) for j, other in enumerate(placed) if j != i)


def test_a_label_goes_right_of_its_point_when_there_is_room() -> None:
    [spot] = place_labels([(100.0, 100.0)], [(60.0, 12.0)], BOUNDS, marker=5.0)
    assert spot.box[0] > 100 and spot.box[1] < 100 < spot.box[3] and not spot.leader


def test_obstacles_are_avoided() -> None:
    wall: Box = (100.0, 0.0, 400.0, 420.0)  # everything right of the point is taken
    [spot] = place_labels([(99.0, 200.0)], [(60.0, 12.0)], BOUNDS, marker=5.0, obstacles=[wall])
    assert not overlaps(spot.box, wall) and spot.box[2] < 100


@pytest.mark.parametrize(
    ("a", "b", "box", "expected"),
    [
        ((0, 0), (10, 10), (4, 4, 6, 6), True),
        ((0, 0), (10, 0), (4, 4, 6, 6), False),
        ((0, 5), (3, 5), (4, 4, 6, 6), False),
        ((5, 0), (5, 10), (4, 4, 6, 6), True),
    ],
)
def test_crosses(a: tuple[float, float], b: tuple[float, float], box: Box, expected: bool) -> None:
    assert crosses(a, b, box) is expected


def test_spread_keeps_a_column_of_end_labels_apart_and_in_bounds() -> None:
    wanted = [100.0, 101.0, 103.0, 300.0, 395.0]
    heights = [12.0, 24.0, 12.0, 12.0, 12.0]
    out = spread(wanted, heights, 0.0, 400.0, gap=2.0)
    spans = sorted((c - h / 2, c + h / 2) for c, h in zip(out, heights, strict=True))
    assert all(lo >= 0 and hi <= 400 for lo, hi in spans)
    assert all(b[0] - a[1] >= 2 - 1e-9 for a, b in itertools.pairwise(spans))
    assert out[3] == 300.0  # a label with room stays where its line ends
