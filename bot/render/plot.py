"""The drawing kit the charts share: the Chart type, a fixed-size Agg canvas in the house style, the
frame (title, subtitle, sources), a legend row, label placement on axes, money ticks and PNG output.

matplotlib is imported inside the functions only, so importing this module loads none of it. Figures are
bare `Figure`s on an Agg canvas (never pyplot), so no global backend is chosen for the process. Sizes are
fixed in pixels and the layout is set by hand (no tight layout), so text extents measured before saving
are the ones in the PNG.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal  # Any: matplotlib's rc settings take values of many types

from bot.contract.views import ModelView
from bot.render import words
from bot.render.labels import Box, marker_box, nearest_edge, place_labels

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.typing import RcKeyType

ChartKind = Literal["cost-quality", "workload-cost", "price-history", "reprice"]


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str  # for screen readers and Slack's image block (at most ALT_MAX characters)
    title: str
    kind: ChartKind


WIDTH = 800  # pixels: Slack's image width
DPI = 100  # so that 1 inch of figure = 100 px of PNG
ALT_MAX = 2000  # Slack's limit for an image's alt_text
INK, MUTED, FAINT = "#222222", "#666666", "#999999"
# Okabe-Ito colours (readable with colour blindness); open and closed weights also differ in shape.
WEIGHTS: dict[bool | None, tuple[str, str, str]] = {
    True: ("o", "#0072B2", "open weights"),
    False: ("s", "#D55E00", "closed weights"),
    None: ("D", "#777777", "weights unknown"),
}
STYLE: dict[RcKeyType, Any] = {
    "text.parse_math": False,  # "$0.60 … $1.20" is money, not mathtext
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.labelcolor": INK,
    "axes.edgecolor": FAINT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.7,
    "xtick.color": FAINT,
    "ytick.color": FAINT,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.fontsize": 8,
    "legend.frameon": False,
}
# matplotlib's rcParams and font cache are process-wide and not thread-safe; Slack renders from threads.
_LOCK = threading.Lock()


@contextmanager
def canvas(height: int) -> Iterator[Figure]:
    """A WIDTH x height pixel figure on an Agg canvas, in the house style; one drawing at a time."""
    import matplotlib  # noqa: PLC0415  (matplotlib: only when drawing)
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415  (matplotlib: only when drawing)
    from matplotlib.figure import Figure  # noqa: PLC0415  (matplotlib: only when drawing)

    with _LOCK, matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor="white")
        FigureCanvasAgg(fig)  # attaches itself: text extents are measured with the Agg renderer
        yield fig


def wrap(parts: list[str], width: int = 130) -> list[str]:
    return [line for part in parts for line in textwrap.wrap(part, width)]


def frame(fig: Figure, title: str, sub: str, footer: list[str], *, legend_rows: int = 1) -> Box:
    """Title and subtitle top left, sources bottom left; returns the pixel box left for the axes
    (left, bottom, right, top), room kept for tick labels, an axis label and the legend rows."""
    height = fig.get_figheight() * DPI
    lines = wrap(footer)
    fig.text(10 / WIDTH, 1 - 10 / height, textwrap.shorten(title, 90), fontsize=13, weight="bold", va="top")
    fig.text(10 / WIDTH, 1 - 33 / height, textwrap.shorten(sub, 135), fontsize=9, color=MUTED, va="top")
    fig.text(
        10 / WIDTH, 8 / height, "\n".join(lines), fontsize=7.5, color=MUTED, va="bottom", linespacing=1.5
    )
    bottom = 10 + 13 * len(lines) + 6 + 20 * legend_rows + 42
    return (72.0, float(bottom), WIDTH - 20.0, height - 58.0)


def axes(fig: Figure, box: Box) -> Axes:
    """Axes filling a pixel box (left, bottom, right, top)."""
    height = fig.get_figheight() * DPI
    left, bottom, right, top = box
    return fig.add_axes((left / WIDTH, bottom / height, (right - left) / WIDTH, (top - bottom) / height))


def legend(fig: Figure, handles: list[Artist], bottom_px: float, ncol: int | None = None) -> None:
    """A legend row (or rows of `ncol`) whose top is at `bottom_px` from the figure's foot, from the left."""
    height = fig.get_figheight() * DPI
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(4 / WIDTH, bottom_px / height),
        ncol=ncol or max(1, len(handles)),
        handletextpad=0.5,
        columnspacing=1.8,
        borderaxespad=0,
    )


def fit_left(ax: Axes) -> None:
    """Move the axes' left edge to just clear the widest y tick label (model names vary in length)."""
    widest = max(t.get_window_extent().width for t in ax.get_yticklabels())
    pos = ax.get_position()
    left = (widest + 24) / WIDTH
    ax.set_position((left, pos.y0, pos.x1 - left, pos.height))


def place(
    ax: Axes,
    anchors: list[tuple[float, float]],
    texts: list[Text],
    marker: float | Sequence[float],
    others: Sequence[tuple[float, float]] = (),
    paths: Sequence[Sequence[tuple[float, float]]] = (),
) -> list[Box]:
    """Move each text (centred) to a free spot near its anchor (data coordinates), clear of every
    anchor's and other point's marker and of the horizontal and vertical segments of `paths` (step
    lines), measuring each with the renderer; a leader line joins a label placed away from its point.
    Returns the pixel boxes."""
    to_px = ax.transData.transform
    points = [(float(x), float(y)) for x, y in (to_px(a) for a in anchors)]
    size = marker if isinstance(marker, int | float) else max(marker)
    more = [marker_box(float(x), float(y), size) for x, y in (to_px(o) for o in others)]
    for path in paths:
        pixels = [(float(x), float(y)) for x, y in (to_px(v) for v in path)]
        for (x0, y0), (x1, y1) in zip(pixels, pixels[1:], strict=False):
            more.append((min(x0, x1) - 1, min(y0, y1) - 1, max(x0, x1) + 1, max(y0, y1) + 1))
    sizes = [(b.width, b.height) for b in (t.get_window_extent() for t in texts)]
    area = ax.get_window_extent()
    bounds = (area.x0 + 2, area.y0 + 2, area.x1 - 2, area.y1 - 2)
    placed = place_labels(points, sizes, bounds, marker=marker, obstacles=more)
    to_data = ax.transData.inverted().transform
    for text, spot, (x, y), anchor in zip(texts, placed, points, anchors, strict=True):
        b = spot.box
        cx, cy = to_data(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2))
        text.set_position((float(cx), float(cy)))
        if spot.leader:
            ex, ey = to_data(nearest_edge(b, x, y))
            ax.annotate(
                "",
                xy=anchor,
                xytext=(float(ex), float(ey)),
                arrowprops={"arrowstyle": "-", "color": MUTED, "lw": 0.8, "shrinkA": 0, "shrinkB": 0},
                zorder=1,
            )
    return [s.box for s in placed]


def post_steps(xs: Sequence[float], ys: Sequence[float]) -> list[tuple[float, float]]:
    """The corners of a step line drawn `where="post"`: each value held until the next x."""
    corners = [(xs[0], ys[0])]
    for x, y, before in zip(xs[1:], ys[1:], ys, strict=False):
        corners += [(x, before), (x, y)]
    return corners


def sources(models: list[ModelView]) -> str:
    quality = words.quality_sources(models)
    prices = words.price_sources([p for m in models for p in (m.price, m.cheapest) if p is not None])
    return f"Prices: {prices}." + (f" {quality}" if quality else "")


def usd_tick(value: float) -> str:
    if value == 0:
        return "$0"
    if value >= 1:
        return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"
    return f"${value:.2f}" if value >= 0.01 else f"${value:.3f}"


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # No metadata: the same chart gives the same bytes, whatever matplotlib version drew it.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
