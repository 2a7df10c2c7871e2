"""A model's price history as a chart: input and output prices (two panels), a step line per host
held to the right edge, each change marked by its source's kind (snapshot, feed, admin) and the recent
moves labelled; each line is named at its end.

In each panel, hosts whose price moved identically share one line, named with all of them: the same
price drawn twice would hide one line under the other. matplotlib is imported only while drawing
(see bot/render/plot.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.contract.actor import Actor
from bot.contract.answers import HistoryAnswer
from bot.contract.errors import NoChartError
from bot.contract.views import HistoryEntry
from bot.domain.prices import fmt_usd
from bot.render import plot, words
from bot.render.labels import spread
from bot.render.plot import ALT_MAX, DPI, FAINT, INK, MUTED, WIDTH, Chart

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

PANELS = (("input_mtok", "Input"), ("output_mtok", "Output"))
# Okabe-Ito colours with a dash pattern each, so no two lines differ by colour alone.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES: tuple[str | tuple[int, tuple[float, ...]], ...] = ("-", (0, (5, 2)), (0, (1, 1.5)), (0, (5, 2, 1, 2)))
MARKERS = {"snapshot": ("o", 5.5), "feed": ("^", 7.0), "admin": ("D", 6.0)}
MAX_LINES = len(COLOURS)  # lines beyond these are grey and named in the footer
MAX_MOVES = 8  # moves labelled per panel, newest first; older ones keep their marker
MAX_NAMES = 3  # host names at a line's end before "+2 more"


@dataclass
class _Line:
    """One price (input or output) over time at one or more hosts that moved identically."""

    start: Decimal | None  # the price before the oldest change shown; None when its first price is shown
    changes: list[tuple[HistoryEntry, Decimal | None]]  # where this price changed (or first appeared)
    hosts: list[str] = field(default_factory=list)
    rank: int = 0  # the colour: hosts that changed most recently get the first ones

    @property
    def last(self) -> Decimal | None:
        return self.changes[-1][1] if self.changes else self.start


def lines_of(answer: HistoryAnswer, key: str) -> list[_Line]:
    """The panel's lines for one price key, most recently changed hosts first."""
    by_host: dict[str, list[HistoryEntry]] = {}
    for e in answer.entries:  # newest first, so hosts come in order of their latest change
        by_host.setdefault(e.provider_name, []).append(e)
    lines: dict[tuple[object, ...], _Line] = {}
    for rank, (host, entries) in enumerate(by_host.items()):
        entries = entries[::-1]
        first = entries[0].old
        start = first.get(key) if first is not None else None
        changes = [(e, e.new.get(key)) for e in entries if e.old is None or e.old.get(key) != e.new.get(key)]
        ident = (start, tuple((e.at, v, e.actor) for e, v in changes))
        line = lines.setdefault(ident, _Line(start, changes, rank=rank))
        line.hosts.append(host)
    return sorted(lines.values(), key=lambda line: line.rank)


def _short(actor: Actor) -> str:
    return actor.kind if actor.kind != "admin" else words.actor(actor).removeprefix("the ")


def _name(line: _Line) -> str:
    names = line.hosts[:MAX_NAMES]
    more = len(line.hosts) - len(names)
    return "\n".join(names) + (f"\n+{more} more" if more else "")


def price_history(answer: HistoryAnswer) -> Chart:
    if not answer.entries:
        raise NoChartError(f"No price history for {answer.model_name} to chart.")
    panels = [lines_of(answer, key) for key, _ in PANELS]
    hosts = len({e.provider_name for e in answer.entries})
    title = f"Price history of {answer.model_name}"
    sub = f"At {hosts} host{'s' * (hosts != 1)}, USD per 1M tokens; each change marked by its source"
    footer = ["Sources: " + "; ".join(dict.fromkeys(words.actor(e.actor) for e in answer.entries)) + "."]
    grey = sorted({h for lines in panels for line in lines[MAX_LINES:] for h in line.hosts})
    if grey:
        footer.append("Grey lines: " + ", ".join(grey) + ".")
    if answer.more:
        footer.append(f"{answer.more} older changes not shown.")
    kinds = list(dict.fromkeys(e.actor.kind for e in answer.entries))
    with plot.canvas(600) as fig:
        left, bottom, right, top = plot.frame(fig, title, sub, footer)
        names = [[_end_text(fig, line) for line in lines[:MAX_LINES]] for lines in panels]
        widest = max((t.get_window_extent().width for ts in names for t in ts), default=0.0)
        right = WIDTH - 14 - widest - 10  # room for the names at the lines' ends
        height = (top - bottom - 16) / 2
        upper = plot.axes(fig, (left, bottom + height + 16, right, top))
        lower = plot.axes(fig, (left, bottom, right, bottom + height))
        lower.sharex(upper)
        span = _timespan(answer)
        for ax, lines, texts, (key, label) in zip((upper, lower), panels, names, PANELS, strict=True):
            _panel(ax, lines, key, label, span)
            _name_ends(fig, ax, lines[:MAX_LINES], texts, span[1])
        upper.tick_params(labelbottom=False)
        lower.set_xlabel("UTC")
        plot.legend(fig, _handles(kinds), bottom - 40)
        png = plot.png(fig)
    return Chart(png, _alt(answer, panels, title)[:ALT_MAX], title, "price-history")


def _timespan(answer: HistoryAnswer) -> tuple[datetime, datetime]:
    """The time axis: every change, with a little room either side (an hour when all are at once)."""
    times = [e.at for e in answer.entries]
    span = max(times) - min(times)
    pad = span * 0.06 if span else timedelta(hours=1)
    return min(times) - pad, max(times) + pad


def _panel(
    ax: Axes,
    lines: list[_Line],
    key: str,
    label: str,
    span: tuple[datetime, datetime],
) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num  # noqa: PLC0415  (matplotlib: only when drawing)
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415  (matplotlib: only when drawing)

    start, end = (float(date2num(t)) for t in span)
    ax.set_xlim(start, end)
    values = [
        float(v) for line in lines for v in (line.start, *(v for _, v in line.changes)) if v is not None
    ]
    ax.set_ylim(0, max([*values, 0.01]) * 1.3)  # from zero, so a move looks as big as it is
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plot.usd_tick(v)))
    ax.set_ylabel("USD per 1M tokens")
    ax.text(0.008, 0.96, label, transform=ax.transAxes, weight="bold", va="top", fontsize=10, color=INK)
    locator = AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    markers: list[tuple[float, float]] = []
    paths: list[list[tuple[float, float]]] = []
    moves: list[tuple[datetime, float, float, str]] = []
    for n, line in reversed(list(enumerate(lines))):  # the most recently changed line drawn on top
        colour, dash = _style(n)
        xs = ([start] if line.start is not None else []) + [float(date2num(e.at)) for e, _ in line.changes]
        prices = ([line.start] if line.start is not None else []) + [v for _, v in line.changes]
        ys = [float(v) if v is not None else math.nan for v in prices]
        ax.step(
            [*xs, end], [*ys, ys[-1]], where="post", color=colour, ls=dash, lw=1.8, zorder=2 + 1 / (n + 1)
        )
        paths.append(plot.post_steps([*xs, end], [*ys, ys[-1]]))
        for e, value in line.changes:
            if value is None:
                continue
            x, y = float(date2num(e.at)), float(value)
            marker, size = MARKERS[e.actor.kind]
            ax.plot([x], [y], marker=marker, ms=size, color=colour, mec="white", mew=0.8, ls="none", zorder=4)
            markers.append((x, y))
            if e.old is not None:
                pct = e.pct.get(key)
                move = f"{fmt_usd(e.old.get(key))} → {fmt_usd(value)}" + (f" ({pct:+}%)" if pct else "")
                moves.append((e.at, x, y, f"{move}, {_short(e.actor)}"))
    moves.sort(key=lambda m: m[0], reverse=True)
    texts = [ax.text(0, 0, m[3], fontsize=8, color=INK, ha="center", va="center", zorder=5) for m in moves]
    if texts:  # clear of every marker and line, not only their own
        anchors = [(x, y) for _, x, y, _ in moves[:MAX_MOVES]]
        plot.place(ax, anchors, texts[:MAX_MOVES], marker=5.0, others=markers, paths=paths)
        for extra in texts[MAX_MOVES:]:
            extra.remove()


def _end_text(fig: Figure, line: _Line) -> Text:
    return fig.text(0, 0, _name(line), fontsize=8, color=INK, va="center", ha="left", linespacing=1.2)


def _name_ends(fig: Figure, ax: Axes, lines: list[_Line], texts: list[Text], end: datetime) -> None:
    """Each line's hosts beside its end, spread apart where lines end close together."""
    from matplotlib.dates import date2num  # noqa: PLC0415  (matplotlib: only when drawing)

    height = fig.get_figheight() * DPI
    x_end = float(date2num(end))
    box = ax.get_window_extent()
    wanted = [float(ax.transData.transform((x_end, float(line.last or 0)))[1]) for line in lines]
    heights = [t.get_window_extent().height for t in texts]
    for n, (text, y) in enumerate(zip(texts, spread(wanted, heights, box.y0, box.y1 + 8, 4), strict=True)):
        text.set_position(((box.x1 + 8) / WIDTH, y / height))
        text.set_color(_style(n)[0])
        if abs(y - wanted[n]) > 3:  # moved off its line: a short connector says which line it names
            ax.annotate(
                "",
                xy=(x_end, float(lines[n].last or 0)),
                xytext=(box.x1 + 7, y),
                textcoords="figure pixels",
                arrowprops={"arrowstyle": "-", "color": FAINT, "lw": 0.7, "shrinkA": 0, "shrinkB": 0},
                annotation_clip=False,
            )


def _style(n: int) -> tuple[str, str | tuple[int, tuple[float, ...]]]:
    if n >= MAX_LINES:
        return FAINT, DASHES[0]
    return COLOURS[n], DASHES[n % len(DASHES)]


def _handles(kinds: Sequence[str]) -> list[Artist]:
    from matplotlib.lines import Line2D  # noqa: PLC0415  (matplotlib: only when drawing)

    return [
        Line2D([], [], marker=MARKERS[k][0], ms=MARKERS[k][1], color=MUTED, ls="none", label=f"{k} change")
        for k in kinds
    ]


def _alt(answer: HistoryAnswer, panels: list[list[_Line]], title: str) -> str:
    parts = []
    for lines, (_, label) in zip(panels, PANELS, strict=True):
        for line in lines:
            steps = [f"{fmt_usd(line.start)} before"] if line.start is not None else []
            steps += [f"{fmt_usd(v)} from {e.at:%Y-%m-%d %H:%M} ({_short(e.actor)})" for e, v in line.changes]
            parts.append(f"{label.lower()} at {', '.join(line.hosts)}: {', then '.join(steps)}")
    more = f" {answer.more} older changes not shown." if answer.more else ""
    return f"Step chart: {title}, USD per 1M tokens, times UTC. " + "; ".join(parts) + "." + more
