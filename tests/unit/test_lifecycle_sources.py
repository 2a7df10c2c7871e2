"""Where the lifecycle sources disagree: each source's word on a day, and the rule that compares them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.contract.views import Status
from bot.domain.lifecycle import Retirement, Said, disagree, sayings

ON = date(2026, 12, 7)
LAB = Retirement(
    host="openai",
    ids=["o1"],
    announced=date(2026, 4, 22),
    retires=date(2026, 10, 23),
    source="https://developers.openai.com/api/docs/deprecations",
    checked=ON,
)
LATE = LAB.model_copy(update={"announced": date(2026, 10, 14), "retires": date(2027, 1, 14)})


def test_each_source_says_a_status_on_the_day() -> None:
    said = sayings(ON, lab=LAB, litellm=date(2026, 12, 11), modelsdev="deprecated", genai_deprecated=True)
    assert [(s.source, s.text()) for s in said] == [
        ("lab's page", "retired 2026-10-23"),
        ("LiteLLM", "retires 2026-12-11"),
        ("models.dev", "deprecated"),
        ("genai-prices", "deprecated"),
    ]
    assert sayings(ON, lab=None, litellm=None, modelsdev=None, genai_deprecated=False) == []


def test_a_listing_older_than_the_announcement_is_silent() -> None:
    def sources(lab: Retirement) -> list[str]:
        said = sayings(
            ON,
            lab=lab,
            litellm=None,
            modelsdev="active",
            modelsdev_as_of=date(2026, 7, 2),
            genai_deprecated=False,
        )
        return [s.source for s in said]

    assert sources(LATE) == ["lab's page"]  # announced 2026-10-14: models.dev of 2026-07-02 could not know
    assert sources(LAB) == ["lab's page", "models.dev"]


R: Status = "retired"
D: Status = "deprecated"
A: Status = "active"


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ([Said("lab", R, date(2026, 5, 15)), Said("LiteLLM", R, date(2026, 5, 15))], False),
        ([Said("lab", R, date(2026, 5, 15)), Said("LiteLLM", R, date(2026, 6, 1))], True),  # days differ
        ([Said("lab", R, date(2026, 5, 15)), Said("models.dev", A, None)], True),  # listed live
        ([Said("lab", R, date(2026, 5, 15)), Said("genai-prices", D, None)], False),  # no day: agrees
        ([Said("models.dev", A, None), Said("genai-prices", D, None)], True),
        ([Said("models.dev", A, None)], False),
        ([], False),
    ],
)
def test_sources_disagree_on_days_or_on_live_against_not(said: list[Said], expected: bool) -> None:
    assert disagree(said) is expected
