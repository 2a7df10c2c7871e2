"""The lab's own price: the rule that decides whether a row at a lab's API is the lab's, on the tricky
cases (bot.domain.labprice), and data/labprices.toml's decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bot.domain.labprice import Decision, Quote, judge, load_decisions
from bot.domain.overlay import load_overlay
from bot.feeds.genai_prices import from_snapshot

OPENROUTER = Quote("OpenRouter", D("0.039"), D("0.18"))


@pytest.mark.parametrize(
    ("case", "price", "second", "omitted_by", "others", "expected"),
    [
        # A second source lists the lab at this price: the lab's, whatever other hosts charge.
        (
            "confirmed",
            ("3", "15"),
            [Quote("LiteLLM", D("3"), D("15"))],
            None,
            [Quote("OpenRouter", D("3"), D("15"))],
            ("own", None, False),
        ),
        (
            "within 1%",
            ("0.2288", "0.3432"),
            [Quote("LiteLLM", D("0.229"), D("0.343"))],
            None,
            [],
            ("own", None, False),
        ),
        # gpt-oss-120b at OpenAI: an open model the lab's list leaves out, no second source: not the lab's.
        ("open, left out", ("0.039", "0.18"), [], "models.dev", [], ("imported", None, False)),
        (
            "open, left out, copied",
            ("0.039", "0.18"),
            [],
            "models.dev",
            [OPENROUTER],
            ("imported", "OpenRouter", False),
        ),
        # The lab sells it at another price and another host charges exactly this: that host's price.
        (
            "copied",
            ("2", "6"),
            [Quote("models.dev", D("0.5"), D("1.5"))],
            None,
            [Quote("OpenRouter", D("2"), D("6"))],
            ("imported", "OpenRouter", False),
        ),
        # A closed model at its lab at a reseller's (the lab's) price, no second source: unconfirmed.
        (
            "closed, same as reseller",
            ("3", "15"),
            [],
            None,
            [Quote("OpenRouter", D("3"), D("15"))],
            ("unconfirmed", None, False),
        ),
        # Another price at a second source, no copy: flagged.
        (
            "second differs",
            ("0.55", "2.19"),
            [Quote("LiteLLM", D("0.28"), D("0.42"))],
            None,
            [],
            ("unconfirmed", None, True),
        ),
        # No second source, unlike every other host: flagged.
        (
            "unlike others",
            ("1.4", "4.4"),
            [],
            None,
            [Quote("Zhipu (China)", D("1.103"), D("3.862"))],
            ("unconfirmed", None, True),
        ),
        # Nothing to compare with: unconfirmed, not flagged.
        ("alone", ("8", "24"), [], None, [], ("unconfirmed", None, False)),
        # Left out but a second source lists the lab (at another price): not "left out".
        (
            "left out yet listed",
            ("0.2288", "0.3432"),
            [Quote("LiteLLM", D("0.28"), D("0.40"))],
            "models.dev",
            [],
            ("unconfirmed", None, True),
        ),
    ],
)
def test_the_rule(
    case: str,
    price: tuple[str, str],
    second: list[Quote],
    omitted_by: str | None,
    others: list[Quote],
    expected: tuple[str, str | None, bool],
) -> None:
    j = judge("OpenAI", D(price[0]), D(price[1]), second=second, omitted_by=omitted_by, others=others)
    assert (j.verdict, j.copied_from, j.flagged) == expected, case
    assert j.reason


def test_a_decision_in_data_wins_with_its_reason() -> None:
    decided = Decision(
        offering="minimax:minimax-m1",
        verdict="imported",
        reason="no list names it",
        checked=date(2026, 12, 7),
    )
    j = judge(
        "MiniMax",
        D("0.4"),
        D("2.2"),
        second=[Quote("LiteLLM", D("0.4"), D("2.2"))],
        omitted_by=None,
        others=[],
        decided=decided,
    )
    assert (j.verdict, j.reason) == ("imported", "no list names it")


def test_every_decision_is_a_row_at_a_labs_api_upstream_with_a_reason() -> None:
    upstream = {(o.provider_id, o.provider_model_id) for o in from_snapshot()}
    labs = set(load_overlay().lab_providers)
    for key, d in load_decisions().by_key.items():
        assert key in upstream and key[0] in labs, key
        assert d.checked == date(2026, 12, 7) and len(d.reason) > 40
