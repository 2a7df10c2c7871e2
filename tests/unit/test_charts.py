"""Charts from typed answers: decodable PNGs of the expected size, under 300 KB, not blank, with alt
text that says what they show; labels that overlap nothing; answers without a chart say so."""

from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import Engine

from bot.commands.ask import Context, respond
from bot.contract.actor import Actor
from bot.contract.answers import AlternativesAnswer, CompareAnswer
from bot.contract.errors import NoChartError
from bot.contract.views import AlternativeView, ModelView, PriceView, QualityView, WorkloadView
from bot.render import charts, plot
from bot.render.charts import charts_for, cost_vs_quality, pareto, workload_cost
from bot.render.labels import overlaps
from bot.render.plot import Chart

WORKLOAD = WorkloadView(
    input_tokens=10_000_000, output_tokens=2_000_000, cached_share=Decimal(0), given=False
)
SNAPSHOT = Actor(kind="snapshot", id="genai-prices 0.2.3 snapshot")


def check_png(chart: Chart, height: int | None = None) -> Image.Image:
    """The PNG decodes, is 800 px wide (Slack's width), under 300 KB, and has something drawn on it."""
    assert len(chart.png) < 300_000
    image = Image.open(io.BytesIO(chart.png))
    image.load()
    assert image.format == "PNG"
    assert image.width == 800
    if height is not None:
        assert image.height == height
    rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, markers, lines: many shades
    inked = sum(n for n, c in colours if c != (255, 255, 255))
    assert inked / (image.width * image.height) > 0.03
    assert chart.alt_text and len(chart.alt_text) <= 2000 and chart.title
    return image


def model(
    mid: str,
    cost: str | None,
    score: int | None,
    *,
    open_weights: bool | None = True,
    floor_from: str | None = None,
) -> ModelView:
    quality = (
        QualityView(
            score=score,
            category="overall",
            category_label="overall",
            source="LMArena text",
            as_of=date(2025, 12, 17),
            floor_from=floor_from,
        )
        if score is not None
        else None
    )
    price = PriceView(
        provider_id="lab",
        provider_name="Lab",
        provider_model_id=mid,
        input_mtok=Decimal(1),
        output_mtok=Decimal(2),
        cache_read_mtok=None,
        cache_write_mtok=None,
        context_window=None,
        changed_on=date(2026, 1, 1),
        source=SNAPSHOT,
        workload_cost=Decimal(cost) if cost is not None else None,
    )
    return ModelView(
        id=mid,
        name=mid.replace("-", " ").title(),
        lab="Lab",
        open_weights=open_weights,
        license=None,
        quality=quality,
        release_date=None,
        curated=True,
        price=price,
        lab_api=True,
        cheapest=None,
        hosts=1,
    )


def alternatives(target: ModelView, others: list[ModelView]) -> AlternativesAnswer:
    assert target.price.workload_cost is not None
    views = [
        AlternativeView(model=m, cost=m.price.workload_cost or Decimal(0), saving_pct=Decimal(50))
        for m in others
    ]
    return AlternativesAnswer(
        target=target, workload=WORKLOAD, min_score=None, alternatives=views, footnote="", more=0
    )


def compare(models: list[ModelView]) -> CompareAnswer:
    cheapest = min(models, key=lambda m: m.price.workload_cost or Decimal("Infinity"))
    base = cheapest.price.workload_cost
    ratio: dict[str, Decimal | None] = {
        m.id: (m.price.workload_cost / base).quantize(Decimal("0.1"))
        if m.price.workload_cost and base
        else None
        for m in models
    }
    return CompareAnswer(
        models=models,
        workload=WORKLOAD,
        cheapest_id=cheapest.id,
        input_ratio=ratio,
        output_ratio=ratio,
        cost_ratio=ratio,
    )


@pytest.mark.parametrize(
    ("points", "front"),
    [
        ([(1.0, 1300.0)], [0]),
        ([(1.0, 1300.0), (2.0, 1350.0), (3.0, 1340.0)], [0, 1]),  # dearer and worse than another: off
        ([(2.0, 1300.0), (1.0, 1300.0)], [1]),  # as good and cheaper beats it
        ([(1.0, 1300.0), (1.0, 1300.0)], [0, 1]),  # equals beat nobody
        ([(5.0, 1400.0), (1.0, 1200.0), (3.0, 1450.0)], [1, 2]),
    ],
)
def test_pareto_frontier(points: list[tuple[float, float]], front: list[int]) -> None:
    assert pareto(points) == front


def test_cost_vs_quality_from_a_built_answer() -> None:
    target = model("closed-big", "270", 1366, open_weights=False)
    others = [
        model("cheap-good", "0.60", 1365),
        model("mid", "2.50", 1367),
        model("dear-worse", "9.90", 1350),  # dominated by every cheaper one
        model("new-one", "3", 1420, floor_from="Old One"),
        model("unscored", "1", None),
        model("free-one", "0", 1300),
    ]
    chart = cost_vs_quality(alternatives(target, others))
    check_png(chart, 600)
    assert chart.kind == "cost-quality"
    alt = chart.alt_text
    assert "Closed Big · target: $270.00, 1366" in alt
    assert "New One ≥1420" in alt  # a floor says so
    assert "frontier (nothing else both cheaper and better): Cheap Good, Mid, New One." in alt
    assert "Not plotted: Unscored (no score), Free One (free)." in alt


def test_a_comparison_without_scores_has_the_workload_chart_only() -> None:
    answer = compare([model("a", "10", None), model("b", "40", None, open_weights=False)])
    [chart] = charts_for(answer)
    assert chart.kind == "workload-cost"
    check_png(chart, 200 + 44 * 2)
    assert "A at Lab: $10.00 (1x); B at Lab: $40.00 (4x)" in chart.alt_text
    with pytest.raises(NoChartError, match="none of these models has both"):
        cost_vs_quality(answer)


def test_workload_bars_cheapest_first_with_the_ratio() -> None:
    answer = compare([model("dear", "270", 1366, open_weights=False), model("cheap", "9.88", 1373)])
    chart = workload_cost(answer)
    check_png(chart)
    assert chart.alt_text.index("Cheap at Lab: $9.88 (1x)") < chart.alt_text.index(
        "Dear at Lab: $270.00 (27.3x)"
    )


# --- from the shipped catalog ----------------------------------------------------------------------


def test_cheaper_o1(catalog: Engine) -> None:
    [chart] = charts_for(respond(catalog, "cheaper o1", Context.cli()))
    check_png(chart, 600)
    assert chart.title == "Cheaper than o1: cost against quality"
    assert "o1 · target: $270.00, 1366" in chart.alt_text and "gpt-oss-120b: $0.60, 1366" in chart.alt_text


def test_a_comparison_has_both_charts(catalog: Engine) -> None:
    drawn = charts_for(respond(catalog, "r1 vs o1 vs sonnet vs gpt-5.5", Context.cli()))
    assert [c.kind for c in drawn] == ["cost-quality", "workload-cost"]
    check_png(drawn[0], 600)
    check_png(drawn[1], 200 + 44 * 4)
    assert "Claude Sonnet 5.5 ≥1442" in drawn[0].alt_text  # a floor, labelled as one
    assert "DeepSeek R1 at DeepSeek: $9.88 (1x)" in drawn[1].alt_text


def test_every_label_of_a_crowded_chart_is_clear(catalog: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cheaper o1 --all` (23 points, most bunched between $0.60 and $11): the boxes the chart placed,
    measured by matplotlib's renderer, overlap neither each other nor any point."""
    seen: list[Any] = []
    real = plot.place_labels

    def spy(points: Any, sizes: Any, bounds: Any, **kw: Any) -> Any:
        placed = real(points, sizes, bounds, **kw)
        seen.append((points, placed, kw["marker"]))
        return placed

    monkeypatch.setattr(plot, "place_labels", spy)
    charts_for(respond(catalog, "cheaper o1 --all", Context.cli()))
    [(points, placed, radii)] = seen
    assert len(placed) >= 20 and all(p.free for p in placed)
    for a, b in itertools.combinations([p.box for p in placed], 2):
        assert not overlaps(a, b)
    for p in placed:
        for (x, y), r in zip(points, radii, strict=True):
            assert not overlaps(p.box, (x - r, y - r, x + r, y + r))


def test_price_history_after_changes(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", Context.cli())
    respond(fresh, "set o1 at openrouter input 12 output 48", Context.cli())
    [chart] = charts_for(respond(fresh, "history o1", Context.cli()))
    check_png(chart, 600)
    assert chart.kind == "price-history" and chart.title == "Price history of o1"
    alt = chart.alt_text
    assert "output at OpenAI: $60 from" in alt and "(snapshot), then $50 from" in alt
    assert "(terminal operator)" in alt
    assert "input at OpenAI, Microsoft Azure: $15" in alt  # the same path: one line, both named


@pytest.mark.parametrize("text", ["o1", "list open", "help"])
def test_answers_without_a_chart_say_so(catalog: Engine, text: str) -> None:
    with pytest.raises(NoChartError, match="has no chart"):
        charts_for(respond(catalog, text, Context.cli()))


def test_write_puts_the_second_chart_beside_the_first(tmp_path: Any) -> None:
    one = Chart(b"1", "a", "t", "cost-quality")
    two = Chart(b"2", "b", "t", "workload-cost")
    paths = charts.write([one, two], tmp_path / "out.png")
    assert [p.name for p in paths] == ["out.png", "out-workload-cost.png"]
    assert [p.read_bytes() for p in paths] == [b"1", b"2"]


def test_a_workload_beyond_volumes_is_charted_by_what_it_was_ranked_by(catalog: Engine) -> None:
    """Issue 27: each bar is the cost at the cheapest host offering what was asked (batch here); a model
    whose context the prompt exceeds is left out, and said."""
    text = "gpt-5.5 vs gemini 3.1 pro vs claude opus 4.5 for 10M in 2M out, 300k prompts, batch"
    [*_, chart] = charts_for(respond(catalog, text, Context.cli()))
    check_png(chart, 200 + 44 * 3)
    # Batch above 200k/272k: Gemini 10M x $2 + 2M x $9 = $38; GPT-5.5 10M x $5 + 2M x $22.50 = $95.
    assert (
        "Gemini 3.1 Pro (preview) at Google: $38.00 (1x); GPT-5.5 at OpenAI: $95.00 (2.5x)" in chart.alt_text
    )
    assert "Claude Opus 4.5 at Anthropic: — (—)" in chart.alt_text
