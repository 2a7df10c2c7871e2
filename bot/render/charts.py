"""Typed answers -> PNG charts with alt text: cost against quality (`cheaper X`, comparisons), the cost
of the workload (comparisons) and price history (`history X`, in bot/render/history_chart.py).

Importing this module loads no matplotlib: the drawing kit (bot/render/plot.py) imports it inside the
functions that draw, so only the chart path pays for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal, assert_never

from bot.contract.answers import AlternativesAnswer, Answer, Charted, CompareAnswer, HistoryAnswer, has_chart
from bot.contract.errors import NoChartError
from bot.contract.views import ModelView
from bot.domain.prices import fmt_cost
from bot.render import plot, words
from bot.render.history_chart import price_history
from bot.render.plot import ALT_MAX, INK, MUTED, WEIGHTS, Chart

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["Chart", "charts_for", "cost_vs_quality", "pareto", "price_history", "workload_cost", "write"]


def charts_for(answer: Answer) -> list[Chart]:
    """The charts of an answer, the main one first; NoChartError when it has none (its type says
    whether it has: `chart`)."""
    if not has_chart(answer):
        raise NoChartError(
            "This answer has no chart: charts are drawn for `cheaper X`, comparisons (`r1 vs o1`) "
            "and `history X`."
        )
    return _drawn(answer)


def _drawn(answer: Charted) -> list[Chart]:
    match answer:
        case AlternativesAnswer():
            return [cost_vs_quality(answer)]
        case CompareAnswer():
            scored = _plotted(answer)[0]
            return ([cost_vs_quality(answer)] if scored else []) + [workload_cost(answer)]
        case HistoryAnswer():
            return [price_history(answer)]
        case _:
            assert_never(answer)


def write(charts: Sequence[Chart], path: Path) -> list[Path]:
    """Write the first chart to `path` and any others beside it (`out-workload-cost.png`)."""
    suffix = path.suffix or ".png"
    paths = [path] + [path.with_name(f"{path.stem}-{c.kind}{suffix}") for c in charts[1:]]
    for chart, where in zip(charts, paths, strict=True):
        where.write_bytes(chart.png)
    return paths


# --- cost against quality ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Point:
    model: ModelView
    cost: Decimal
    role: Literal["target", "asked", "alternative"]

    @property
    def score(self) -> int:
        assert self.model.quality is not None  # only scored models are plotted
        return self.model.quality.score

    @property
    def floor(self) -> bool:
        return bool(self.model.quality and self.model.quality.floor_from)


def pareto(points: Sequence[tuple[float, float]]) -> list[int]:
    """Indices of the (cost, score) points that no other point beats on both (cheaper and better,
    one of them strictly), cheapest first."""
    front = [
        i
        for i, (c, s) in enumerate(points)
        if not any(c2 <= c and s2 >= s and (c2 < c or s2 > s) for c2, s2 in points)
    ]
    return sorted(front, key=lambda i: points[i])


def _plotted(answer: AlternativesAnswer | CompareAnswer) -> tuple[list[_Point], list[str]]:
    """The models to plot, and the ones left out with why."""
    wanted: list[tuple[ModelView, Decimal | None, Literal["target", "asked", "alternative"]]]
    if isinstance(answer, AlternativesAnswer):
        best = answer.target.cheapest or answer.target.price
        wanted = [(answer.target, best.workload_cost, "target")]
        wanted += [(x.model, x.cost, "alternative") for x in [*answer.alternatives, *answer.nearest]]
    else:
        wanted = [
            (m, m.price.workload_cost, "target" if m.id == answer.alternatives_for else "asked")
            for m in answer.models
        ]
        wanted += [(x.model, x.cost, "alternative") for x in answer.alternatives]
    points: list[_Point] = []
    left_out: list[str] = []
    seen: set[str] = set()
    for model, cost, role in wanted:
        if model.id in seen:  # an alternative that is also compared is plotted once, as compared
            continue
        seen.add(model.id)
        if model.quality is None:
            left_out.append(f"{model.name} (no score)")
        elif cost is None or cost <= 0:  # a log scale has no place for free or unpriced
            left_out.append(f"{model.name} ({'free' if cost == 0 else 'no price for the workload'})")
        else:
            points.append(_Point(model, cost, role))
    return points, left_out


def _label(p: _Point) -> str:
    q = p.model.quality
    assert q is not None
    text = p.model.name + (f" ≥{q.score}" if q.floor_from else " (team)" if q.team else "")
    return text + (" · target" if p.role == "target" else "")


def cost_vs_quality(answer: AlternativesAnswer | CompareAnswer) -> Chart:
    points, left_out = _plotted(answer)
    if not points:
        raise NoChartError("Nothing to chart: none of these models has both a price and a quality score.")
    q = points[0].model.quality
    category = q.category_label if q else "overall"
    front = pareto([(float(p.cost), p.score) for p in points])
    if isinstance(answer, AlternativesAnswer):
        title = f"Cheaper than {answer.target.name}: cost against quality"
        shown = len(answer.alternatives) + len(answer.nearest)
        sub = f"{shown} open-weights models that cost less, each at its cheapest host"
        sub += f" ({answer.more} more not shown)" if answer.more else ""
    else:
        title = " vs ".join(m.name for m in answer.models)
        sub = "Cost against quality; compared models at their lab's API" + (
            ", cheaper open-weights alternatives at their cheapest host" if answer.alternatives else ""
        )
    xlabel = f"Cost of {words.workload(answer.workload)}, USD (log scale)"
    ylabel = f"LMArena {category} score"
    footer = [plot.sources([p.model for p in points])]
    if any(p.floor for p in points):
        footer.append("≥ and hollow: no LMArena score yet; its predecessor's score is the floor.")
    if left_out:
        footer.append("Not plotted: " + ", ".join(left_out) + ".")
    with plot.canvas(600) as fig:
        box = plot.frame(fig, title, sub, footer)
        ax = plot.axes(fig, box)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        _draw_points(ax, points, front)
        plot.legend(fig, _quality_handles(points, bool(front)), box[1] - 42)
        png = plot.png(fig)
    alt = (
        f"Scatter chart: {title}, {sub}. x: {xlabel}; y: {ylabel}. "
        + "; ".join(f"{_label(p)}: {fmt_cost(p.cost)}, {p.score}" for p in points)
        + ". On the Pareto frontier (nothing else both cheaper and better): "
        + ", ".join(points[i].model.name for i in front)
        + "."
        + (" Not plotted: " + ", ".join(left_out) + "." if left_out else "")
    )
    return Chart(png, alt[:ALT_MAX], title, "cost-quality")


def _draw_points(ax: Axes, points: list[_Point], front: list[int]) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: PLC0415  (matplotlib: only when drawing)

    costs = [float(p.cost) for p in points]
    scores = [p.score for p in points]
    ax.set_xscale("log")
    ax.set_xlim(min(costs) / 2.5, max(costs) * 2.5)
    pad = max(12.0, (max(scores) - min(scores)) * 0.15)
    ax.set_ylim(min(scores) - pad, max(scores) + pad)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: plot.usd_tick(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    staircase: list[tuple[float, float]] = []
    if front:  # the best score each budget buys: a staircase through the frontier, held to the right
        xs = [costs[i] for i in front] + [ax.get_xlim()[1]]
        ys = [float(scores[i]) for i in front] + [float(scores[front[-1]])]
        ax.step(xs, ys, where="post", color=INK, lw=1.1, ls=(0, (4, 3)), alpha=0.6, zorder=2)
        staircase = plot.post_steps(xs, ys)
    for i, p in enumerate(points):
        marker, colour, _ = WEIGHTS[p.model.open_weights]
        target = p.role == "target"
        ax.plot(
            [costs[i]],
            [scores[i]],
            marker=marker,
            ms=12 if target else 8,
            mfc="white" if p.floor else colour,
            mec=INK if target else colour,
            mew=2.2 if target else 1.6,
            ls="none",
            zorder=4 if target else 3,
        )
    # The labels that matter most are placed first, so they get the spots nearest their points.
    on_front = set(front)
    order = sorted(
        range(len(points)), key=lambda i: (points[i].role != "target", i not in on_front, costs[i])
    )
    texts = []
    for i in order:
        strong = points[i].role != "alternative"
        texts.append(
            ax.text(
                0,
                0,
                _label(points[i]),
                fontsize=8.5,
                fontweight="bold" if strong else "normal",
                color=INK if (strong or i in on_front) else MUTED,  # dominated ones recede
                ha="center",
                va="center",
                zorder=5,
            )
        )
    anchors = [(costs[i], float(scores[i])) for i in order]
    radii = [10.0 if points[i].role == "target" else 7.0 for i in order]  # pixels, the markers' half-size
    plot.place(ax, anchors, texts, marker=radii, paths=[staircase] if staircase else [])


def _quality_handles(points: list[_Point], front: bool) -> list[Artist]:
    from matplotlib.lines import Line2D  # noqa: PLC0415  (matplotlib: only when drawing)

    handles: list[Artist] = []
    for weights in (True, False, None):
        if any(p.model.open_weights is weights for p in points):
            marker, colour, label = WEIGHTS[weights]
            handles.append(Line2D([], [], marker=marker, color=colour, ls="none", ms=7, label=label))
    if any(p.floor for p in points):
        handles.append(Line2D([], [], marker="o", mfc="white", mec=MUTED, ls="none", ms=7, label="≥ floor"))
    if any(p.role == "target" for p in points):
        target = Line2D([], [], marker="o", mfc="white", mec=INK, mew=2.2, ls="none", ms=9, label="target")
        handles.append(target)
    if front:
        frontier = "Pareto frontier: nothing is both cheaper and better"
        handles.append(Line2D([], [], color=INK, lw=1.1, ls=(0, (4, 3)), label=frontier))
    return handles


# --- the workload's cost -----------------------------------------------------------------------------


def workload_cost(answer: CompareAnswer) -> Chart:
    rich = answer.workload.given and not words.plain_workload(answer.workload)

    def cost(m: ModelView) -> Decimal | None:
        # A workload beyond volumes and a cached share (issue 27): the cost it was ranked by.
        return m.pricing.cost if rich and m.pricing is not None else m.price.workload_cost

    def host(m: ModelView) -> str:
        priced = m.pricing.provider_name if rich and m.pricing is not None else None
        return priced or m.price.provider_name

    rows = sorted(answer.models, key=lambda m: (cost(m) is None, cost(m) or Decimal(0)))
    what = words.workload(answer.workload)
    title = f"Cost of {what}"
    sub = (
        "Cheapest first, each at its cheapest host offering what was asked; × the cheapest's cost"
        if rich
        else "Cheapest first, each at its lab's API (or its cheapest host); × the cheapest's cost"
    )
    costs = [float(cost(m) or 0) for m in rows]
    with plot.canvas(200 + 44 * len(rows)) as fig:
        box = plot.frame(fig, title, sub, [plot.sources(rows)])
        ax = plot.axes(fig, box)
        ax.grid(axis="y", visible=False)
        for y, (m, value) in enumerate(zip(rows, costs, strict=True)):
            _, colour, _ = WEIGHTS[m.open_weights]
            hatch = None if m.open_weights else "///"  # closed weights differ by hatching, not colour alone
            ax.barh(y, value, height=0.62, color=colour, alpha=0.85, hatch=hatch, edgecolor="white", lw=0)
            note = "cheapest" if m.id == answer.cheapest_id else words.times(answer.cost_ratio.get(m.id))
            left_out = m.pricing.left_out if rich and m.pricing is not None else None
            label = (
                f"{fmt_cost(cost(m))}  ·  {note}"
                if cost(m)
                else f"left out: {left_out}"
                if left_out
                else "no price"
            )
            ax.text(value, y, "  " + label, va="center", ha="left", fontsize=9, color=INK)
        ax.set_yticks(range(len(rows)), [f"{m.name}\n{host(m)}" for m in rows], fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max([*costs, 1.0]) * 1.3)
        ax.set_xlabel(f"USD for {what}")
        from matplotlib.ticker import FuncFormatter  # noqa: PLC0415  (matplotlib: only when drawing)

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: plot.usd_tick(v)))
        plot.fit_left(ax)
        plot.legend(fig, _weights_handles(rows), box[1] - 42)
        png = plot.png(fig)
    alt = f"Bar chart: {title}, cheapest first. " + "; ".join(
        f"{m.name} at {host(m)}: {fmt_cost(cost(m))} ({words.times(answer.cost_ratio.get(m.id))})"
        for m in rows
    )
    return Chart(png, alt[:ALT_MAX], title, "workload-cost")


def _weights_handles(rows: list[ModelView]) -> list[Artist]:
    from matplotlib.patches import Patch  # noqa: PLC0415  (matplotlib: only when drawing)

    handles: list[Artist] = []
    for weights in (True, False, None):
        if any(m.open_weights is weights for m in rows):
            _, colour, label = WEIGHTS[weights]
            hatch = None if weights else "///"
            handles.append(Patch(facecolor=colour, alpha=0.85, hatch=hatch, edgecolor="white", label=label))
    return handles
