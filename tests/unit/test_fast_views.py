"""The shortcuts a read answer takes for speed give what the plain ways give: a workload's cost worked
out from integers, the cheapest host looked for among those that can be cheapest, and a score said
once per score."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from bot.contract.actor import Actor
from bot.contract.requests import Workload
from bot.contract.views import ModelView, PriceView, QualityView
from bot.domain.prices import PriceData
from bot.domain.workloads import workload_cost
from bot.read.model import Host, usd, work_key
from bot.read.views import _undominated
from bot.render import words

SHARES = [D(0), D("0.3"), D("0.25"), D("0.125"), D("0.5"), D("0.333")]


def price(rng: random.Random) -> D:
    return D(rng.randrange(0, 10 ** rng.randrange(1, 10))).scaleb(-rng.randrange(0, 7))


def host(rng: random.Random, name: str, levels: list[D] | None = None) -> Host:
    def level() -> D:
        return rng.choice(levels) if levels else price(rng)

    data = PriceData(input_mtok=level(), output_mtok=level(), cache_read_mtok=rng.choice([None, level()]))
    assert data.input_mtok is not None and data.output_mtok is not None
    cache = data.cache_read_mtok if data.cache_read_mtok is not None else data.input_mtok
    return Host(
        fields={"provider_name": name},
        data=data,
        row_id=rng.randrange(1000),
        retired=False,
        input_micro=int(data.input_mtok.scaleb(6)),
        output_micro=int(data.output_mtok.scaleb(6)),
        cache_micro=int(cache.scaleb(6)),
    )


def workload(rng: random.Random) -> Workload:
    return Workload(
        input_tokens=rng.randrange(0, 10 ** rng.randrange(1, 13)),
        output_tokens=rng.randrange(0, 10 ** rng.randrange(1, 12)),
        cached_share=rng.choice(SHARES),
    )


def test_a_cost_from_integers_is_the_decimal_cost_digit_for_digit() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        h, work = host(rng, "x"), workload(rng)
        den = work.cached_share.as_integer_ratio()[1]
        want = workload_cost(h.data, work)
        got = usd(h.cost_key(work_key(work)), den)
        assert str(got) == str(want), (h.data, work)


def test_the_cheapest_host_is_always_among_those_kept() -> None:
    rng = random.Random(11)
    for _ in range(300):
        # few names and few price levels: ties of cost and of name are common
        hosts = [host(rng, rng.choice("abc"), [D(1), D(2), D(3)]) for _ in range(rng.randrange(1, 8))]
        kept = [row[4] for row in _undominated(hosts)]
        assert kept == [h for h in hosts if h in kept]  # in the offerings' order
        for _ in range(20):
            key = work_key(workload(rng))
            every = min(hosts, key=lambda h: (h.cost_key(key), h.provider_name))
            among = min(kept, key=lambda h: (h.cost_key(key), h.provider_name))
            assert among is every


def view() -> ModelView:
    p = PriceView(
        provider_id="deepseek",
        provider_name="DeepSeek",
        provider_model_id="deepseek-reasoner",
        input_mtok=D("0.55"),
        output_mtok=D("2.19"),
        cache_read_mtok=None,
        cache_write_mtok=None,
        context_window=128000,
        changed_on=None,
        source=Actor(kind="snapshot", id="genai-prices 0.2.3 snapshot"),
        workload_cost=None,
    )
    return ModelView(
        id="deepseek-r1",
        name="DeepSeek R1",
        lab="DeepSeek",
        open_weights=True,
        license="MIT",
        quality=None,
        release_date=None,
        curated=True,
        price=p,
        lab_api=True,
        cheapest=None,
        hosts=1,
    )


def test_each_score_is_said_as_its_own() -> None:
    def scored(score: int, floor: str | None = None) -> ModelView:
        q = QualityView(
            score=score,
            category="overall",
            category_label="overall",
            source="LMArena text",
            as_of=date(2025, 12, 17),
            floor_from=floor,
        )
        return replace(view(), quality=q)

    a, b, c = scored(1427), scored(1390), scored(1384, "Claude Haiku 4.5")
    for _ in range(2):  # said, then said again from what was kept
        assert words.quality(a) == "LMArena 1427 (2025-12-17)"
        assert words.quality(b) == "LMArena 1390 (2025-12-17)"
        assert words.quality(c) == "no LMArena score yet; using Claude Haiku 4.5's 1384 as a floor"


def test_a_workload_written_the_usual_way_reads_as_any_other_way() -> None:
    from bot.domain.query import _PLAIN_WORKLOAD, _read_workload, parse_workload

    rng = random.Random(3)
    for _ in range(3000):
        inp, out = (
            rng.choice(["0", "7", "05", "999999", str(rng.randrange(1, 10**6))]),
            str(rng.randrange(0, 10**6)),
        )
        spec = f"{inp}{rng.choice(['', 'k', 'm', 'b'])} in {out}{rng.choice(['', 'k', 'm', 'b'])} out"
        spec += rng.choice(["", f" {rng.randrange(0, 100)}% cached", " 0% cached", " 5% cached"])
        assert _PLAIN_WORKLOAD.fullmatch(spec), spec  # the quick way is the one taken
        got, want = parse_workload(spec), _read_workload(spec)
        assert got == want and str(got.cached_share) == str(want.cached_share), spec


def test_a_cost_in_whole_tens_of_dollars_is_written_without_an_exponent() -> None:
    for dollars_per_mtok, tokens in [
        (D(10), 1_000_000),
        (D(15), 10_000_000),
        (D(0), 5),
        (D("0.5"), 20_000_000),
    ]:
        h = host(random.Random(1), "x", [dollars_per_mtok])
        work = Workload(input_tokens=tokens, output_tokens=0)
        got, want = usd(h.cost_key(work_key(work)), 1), workload_cost(h.data, work)
        assert str(got) == str(want) and "E" not in str(got), (dollars_per_mtok, tokens)
