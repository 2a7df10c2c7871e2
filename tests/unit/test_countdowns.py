"""The rules of retirement countdowns and digests (bot.domain.countdowns, .digests, .families): which
notice is due on a day, what a worker that was down sends, when a digest is due in its time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.contract.errors import QueryError
from bot.domain.countdowns import DEPRECATED, due, next_countdown, stage_key
from bot.domain.digests import last_instant, next_instant
from bot.domain.families import resolve_family

RETIRES = date(2027, 1, 22)  # Claude Opus 4.5's retirement day at Anthropic's API, as issue 28 gives it
TOLD_ALL = frozenset({DEPRECATED, *(stage_key(s, RETIRES) for s in (30, 7, 1))})


@pytest.mark.parametrize(
    ("on", "told", "stage", "announces"),
    [
        (date(2026, 12, 1), frozenset(), None, True),  # 52 days out: the deprecation only
        (date(2026, 12, 1), frozenset({DEPRECATED}), None, None),  # told: nothing
        (date(2026, 12, 23), frozenset({DEPRECATED}), 30, False),  # 30 days before
        (date(2026, 12, 24), frozenset({DEPRECATED, stage_key(30, RETIRES)}), None, None),
        (date(2027, 1, 15), frozenset({DEPRECATED, stage_key(30, RETIRES)}), 7, False),
        (date(2027, 1, 19), frozenset({DEPRECATED}), 7, False),  # down since before 30: one message
        (date(2027, 1, 21), frozenset(), 1, True),  # a deprecation with a day one day away: one message
        (date(2027, 1, 21), TOLD_ALL, None, None),
        (date(2027, 1, 22), frozenset(), None, None),  # retired: nothing more
    ],
)
def test_the_latest_notice_due_is_one_message(
    on: date, told: frozenset[str], stage: int | None, announces: bool | None
) -> None:
    found = due("deprecated", RETIRES, on, told)
    if announces is None:
        assert found is None
    else:
        assert found is not None and (found.stage, found.announces) == (stage, announces)
        assert not found.keys & told


def test_an_active_model_gets_nothing_and_a_new_day_starts_a_new_countdown() -> None:
    assert due("active", None, date(2027, 1, 21), frozenset()) is None
    later = date(2027, 3, 1)
    found = due("deprecated", later, date(2027, 2, 20), TOLD_ALL)
    assert found is not None and found.stage == 30 and not found.announces


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 12, 1), date(2026, 12, 23)),
        (date(2026, 12, 23), date(2027, 1, 15)),
        (date(2027, 1, 21), None),
    ],
)
def test_the_next_countdown_day(on: date, expected: date | None) -> None:
    assert next_countdown(RETIRES, on) == expected


@pytest.mark.parametrize(
    ("kind", "weekday", "at", "tz", "now", "last"),
    [
        ("weekly", 0, "09:00", "UTC", "2026-12-07T08:59:00+00:00", "2026-11-30T09:00:00+00:00"),
        ("weekly", 0, "09:00", "UTC", "2026-12-07T09:00:00+00:00", "2026-12-07T09:00:00+00:00"),
        # Friday 16:00 in Berlin is 15:00 UTC in winter and 14:00 UTC in summer.
        ("weekly", 4, "16:00", "Europe/Berlin", "2026-12-07T12:00:00+00:00", "2026-12-04T15:00:00+00:00"),
        ("weekly", 4, "16:00", "Europe/Berlin", "2026-07-13T12:00:00+00:00", "2026-07-10T14:00:00+00:00"),
        ("daily", 0, "08:30", "UTC", "2026-12-07T08:00:00+00:00", "2026-12-06T08:30:00+00:00"),
    ],
)
def test_a_digest_is_due_at_its_hour_in_its_zone(
    kind: str, weekday: int, at: str, tz: str, now: str, last: str
) -> None:
    when = datetime.fromisoformat(now)
    assert last_instant(kind, weekday, at, tz, when) == datetime.fromisoformat(last).astimezone(UTC)
    assert next_instant(kind, weekday, at, tz, when) > when


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("sonnet", "claude-sonnet"),
        ("claude sonnet", "claude-sonnet"),
        ("gpt", "gpt"),
        ("Haiku", "claude-haiku"),
    ],
)
def test_a_family_is_typed_by_its_slug_or_last_word(typed: str, slug: str) -> None:
    assert resolve_family(typed, ["claude-haiku", "claude-sonnet", "gpt", "gpt-mini", "o-mini"]) == slug


@pytest.mark.parametrize(("typed", "says"), [("mini", "could mean gpt-mini, o-mini"), ("nope", "No family")])
def test_an_unknown_or_ambiguous_family_says_what_works(typed: str, says: str) -> None:
    with pytest.raises(QueryError, match=says):
        resolve_family(typed, ["claude-sonnet", "gpt", "gpt-mini", "o-mini"])
