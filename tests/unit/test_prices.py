"""Pricing math and money formatting: Decimal all the way."""

from decimal import Decimal as D

import pytest

from bot.contract.requests import Workload
from bot.domain.prices import PriceData, fmt_cost, fmt_usd, pct_change, ratio
from bot.domain.workloads import workload_cost

R1 = PriceData(D("0.55"), D("2.19"), D("0.14"))
O1 = PriceData(D("15"), D("60"), D("7.5"))


@pytest.mark.parametrize(
    ("price", "workload", "cost"),
    [
        (R1, Workload(10_000_000, 2_000_000), D("9.88")),
        (O1, Workload(10_000_000, 2_000_000), D("270")),
        (O1, Workload(10_000_000, 0, D("0.5")), D("112.5")),  # half the input at the cache price
        (PriceData(D("1"), None), Workload(1_000_000, 0), D("1")),
        (PriceData(D("1"), None), Workload(1_000_000, 1), None),
    ],
)
def test_workload_cost(price: PriceData, workload: Workload, cost: D | None) -> None:
    assert workload_cost(price, workload) == cost


def test_ratio_and_pct() -> None:
    assert ratio(D("60"), D("2.19")) == D("27.4")
    assert ratio(D("1"), D("0")) is None
    assert pct_change(D("60"), D("50")) == D("-16.7")
    assert pct_change(None, D("1")) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("2.19"), "$2.19"),
        (D("15"), "$15"),
        (D("15.000000"), "$15"),
        (D("0.135"), "$0.135"),
        (D("7.5"), "$7.50"),
        (D("1234.5"), "$1,234.50"),
        (None, "—"),
    ],
)
def test_fmt_usd(value: D | None, text: str) -> None:
    assert fmt_usd(value) == text


def test_fmt_cost() -> None:
    assert fmt_cost(D("9.88")) == "$9.88"
    assert fmt_cost(D("270")) == "$270.00"
    assert fmt_cost(D("0.00012345")) == "$0.0001"
