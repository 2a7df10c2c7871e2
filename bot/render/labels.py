"""Label placement for charts: put each point's label where it overlaps no other label and no point.

Pure geometry in display pixels, so it is testable without drawing anything: the chart measures each
label's text extent with matplotlib's renderer and hands over the sizes. Greedy, in the order given
(the caller puts the labels that matter most first): each label tries positions around its point,
nearest first, and takes the first free one; far from its point it gets a leader line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, x0 <= x1 and y0 <= y1

# Right first (labels read rightwards from their point), then the diagonals, above and below, left last.
DIRECTIONS = ((1, 0), (1, 1), (1, -1), (0, 1), (0, -1), (-1, 0), (-1, 1), (-1, -1))
GAPS = (3.0, 10.0, 20.0, 34.0, 52.0)  # pixels between the marker's edge and the label
LEADER_FROM = 5.0  # a label placed further than this from its marker gets a leader line, so none is ambiguous
GRID_STEP = 6.0  # the last resort scans the whole area on this grid


@dataclass(frozen=True)
class Placed:
    box: Box
    leader: bool  # far from its point: draw a line from the point to the box
    free: bool = True  # False only when no free spot existed anywhere in the bounds


def overlaps(a: Box, b: Box, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def inside(box: Box, bounds: Box) -> bool:
    return box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]


def marker_box(x: float, y: float, radius: float) -> Box:
    return (x - radius, y - radius, x + radius, y + radius)


def place_labels(
    points: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    bounds: Box,
    *,
    marker: float | Sequence[float] = 5.0,
    obstacles: Sequence[Box] = (),
    pad: float = 2.0,
) -> list[Placed]:
    """A box for each point's label (same order): inside `bounds`, clear of every point's marker (a
    square of half-side `marker`, one for all or one per point), of `obstacles`, of the labels placed
    before it and of their leader lines, by `pad` pixels. A leader line crosses no label or marker."""
    radii = [float(marker)] * len(points) if isinstance(marker, int | float) else [float(r) for r in marker]
    markers = [marker_box(x, y, r) for (x, y), r in zip(points, radii, strict=True)]
    taken: list[Box] = markers + list(obstacles)
    labels: list[Box] = []
    leaders: list[tuple[tuple[float, float], tuple[float, float]]] = []
    placed: list[Placed] = []
    for (x, y), (w, h), r in zip(points, sizes, radii, strict=True):
        # A leader may cross lines (obstacles), but no label, and no marker but the ones it starts in.
        crossable = [m for m in markers if not inside((x, y, x, y), m)] + labels

        def fits(
            box: Box, leader: bool, x: float = x, y: float = y, crossable: list[Box] = crossable
        ) -> bool:
            if not free(box):
                return False
            return not leader or not any(crosses((x, y), nearest_edge(box, x, y), t) for t in crossable)

        def free(box: Box) -> bool:
            if not inside(box, bounds) or any(overlaps(box, t, pad) for t in taken):
                return False
            return not any(crosses(a, b, box) for a, b in leaders)

        # Near the point; else the nearest spot with a clean leader; else one whose leader crosses
        # something (in a tight cluster no line gets out cleanly): a crossed line beats covered text.
        spot = (
            _around(x, y, w, h, r, fits)
            or _scan(x, y, w, h, bounds, taken, pad, fits)
            or _scan(x, y, w, h, bounds, taken, pad, lambda box, _: free(box))
        )
        if spot is None:  # crowded beyond help: keep it beside its point rather than lose it
            spot = Placed(_box(x, y, w, h, r, GAPS[0], DIRECTIONS[0]), leader=False, free=False)
        taken.append(spot.box)
        labels.append(spot.box)
        if spot.leader:
            leaders.append(((x, y), nearest_edge(spot.box, x, y)))
        placed.append(spot)
    return placed


def _box(x: float, y: float, w: float, h: float, marker: float, gap: float, d: tuple[int, int]) -> Box:
    cx = x + d[0] * (marker + gap + w / 2)
    cy = y + d[1] * (marker + gap + h / 2)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _around(
    x: float, y: float, w: float, h: float, marker: float, fits: Callable[[Box, bool], bool]
) -> Placed | None:
    for gap in GAPS:
        for d in DIRECTIONS:
            box = _box(x, y, w, h, marker, gap, d)
            leader = gap > LEADER_FROM
            if fits(box, leader):
                return Placed(box, leader=leader)
    return None


def _scan(
    x: float,
    y: float,
    w: float,
    h: float,
    bounds: Box,
    taken: Sequence[Box],
    pad: float,
    fits: Callable[[Box, bool], bool],
) -> Placed | None:
    """The free spot nearest the point on a grid over the whole area (rare: only in a crowded corner).
    The grid holds tens of thousands of spots: those a taken box covers are set aside all at once (numpy,
    which matplotlib brings), and `fits` judges only the rest, nearest first."""
    import numpy as np  # noqa: PLC0415  (numpy: only for this rare scan while drawing)

    xs: list[float] = []
    cx = bounds[0] + w / 2
    while cx + w / 2 <= bounds[2]:
        xs.append(cx)
        cx += GRID_STEP
    ys: list[float] = []
    cy = bounds[1] + h / 2
    while cy + h / 2 <= bounds[3]:
        ys.append(cy)
        cy += GRID_STEP
    if not xs or not ys:
        return None
    gx, gy = np.meshgrid(np.array(xs), np.array(ys))  # row by row, as the spots are numbered
    cxs, cys = gx.ravel(), gy.ravel()
    x0, y0, x1, y1 = cxs - w / 2, cys - h / 2, cxs + w / 2, cys + h / 2
    clear = np.ones(cxs.shape, dtype=bool)
    for t in taken:  # overlaps(box, t, pad), for every spot at once
        clear &= ~((x0 < t[2] + pad) & (t[0] < x1 + pad) & (y0 < t[3] + pad) & (t[1] < y1 + pad))
    near = np.argsort((cxs - x) ** 2 + (cys - y) ** 2, kind="stable")
    for i in near[clear[near]]:
        box = (float(x0[i]), float(y0[i]), float(x1[i]), float(y1[i]))
        if fits(box, True):
            return Placed(box, leader=True)
    return None


def crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a-b passes through the box (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    return t0 < t1


def nearest_edge(box: Box, x: float, y: float) -> tuple[float, float]:
    """The point of the box nearest (x, y): where a leader line from the point meets its label."""
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


def spread(
    centres: Sequence[float], heights: Sequence[float], low: float, high: float, gap: float = 2.0
) -> list[float]:
    """Centres for a column of labels (e.g. at the ends of lines), as near the wanted ones as can be
    with no two overlapping, kept within [low, high] where there is room (same order as given)."""
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    out = list(centres)
    floor = low
    for i in order:  # upwards: each at least clear of the one below
        out[i] = max(out[i], floor + heights[i] / 2)
        floor = out[i] + heights[i] / 2 + gap
    ceiling = high
    for i in reversed(order):  # then down again from the top, if the column ran over it
        out[i] = min(out[i], ceiling - heights[i] / 2)
        ceiling = out[i] - heights[i] / 2 - gap
    return out
