"""Benchmark: drawing each chart from its answer (median of N in one process, matplotlib already loaded),
the PNG sizes, and the one-off cost of the first chart in a fresh process (importing matplotlib).

Baseline in the same run: the same answer rendered as terminal text.
Usage: python bench/bench_charts.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

ASKS = ["cheaper o1", "cheaper o1 --all", "r1 vs o1 vs sonnet vs gpt-5.5", "history o1"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        from bot import db
        from bot.commands.ask import Context, respond
        from bot.feeds.seed import ensure_catalog
        from bot.render import charts, text

        DRAW: dict[str, Callable[[Any], object]] = {
            "cost-quality": charts.cost_vs_quality,
            "workload-cost": charts.workload_cost,
            "price-history": charts.price_history,
        }
        engine = db.engine_for(url)
        ensure_catalog(engine)
        for change in ("set o1 output 50", "set o1 at openrouter input 12 output 48"):
            respond(engine, change, Context.cli())
        first = _first_chart(url)
        print(f"first chart in a fresh process (imports matplotlib): {first * 1000:.0f} ms more than text")
        print(f"{'ask':34} {'chart':15} {'median ms':>9} {'PNG KB':>7} {'text ms':>8}")
        for ask in ASKS:
            answer = respond(engine, ask, Context.cli())
            drawn = charts.charts_for(answer)  # warm: fonts cached, modules loaded
            text_ms = _median(lambda a=answer: text.to_text(a), args.runs)
            for chart in drawn:
                draw = DRAW[chart.kind]
                ms = _median(lambda a=answer, draw=draw: draw(a), args.runs)
                print(f"{ask:34} {chart.kind:15} {ms:9.0f} {len(chart.png) / 1024:7.1f} {text_ms:8.2f}")


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _first_chart(url: str) -> float:
    """A fresh interpreter: answer as text, then draw the chart; the difference is the chart's first cost."""
    code = (
        "import time;from bot import db;from bot.commands.ask import Context, respond;"
        "from bot.render import text;"
        f"e=db.engine_for({url!r});a=respond(e,'cheaper o1',Context.cli());text.to_text(a);"
        "t=time.perf_counter();from bot.render import charts;charts.charts_for(a);"
        "print(time.perf_counter()-t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs)


if __name__ == "__main__":
    main()
