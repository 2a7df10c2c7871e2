"""Digests, the rules: when a channel's digest is due (a fixed hour in its time zone, weekly on a day or
daily), and what counts as a change within a period. Pure; bot.alerts.digests gathers and queues them.

- A digest covers the period since the previous one (since it was asked for, the first time) and is
  due at the first scheduled instant after that; a pass that finds several instants passed (the
  worker was down) sends one digest covering them all.
- A price counts as moved when it differs between the start and the end of the period: a price that
  moves and moves back within the period is no change.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.contract.errors import QueryError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WEEKDAY, DEFAULT_TIME, DEFAULT_TZ = 0, "09:00", "UTC"


def zone_name(name: str) -> str:
    """The IANA name of the time zone typed in any case (`europe/berlin` -> `Europe/Berlin`);
    QueryError when zoneinfo knows none such."""
    found = _zones().get(name.lower())
    if found is None:
        raise QueryError(
            f"`{name}` is not a time zone I know: use an IANA name such as `Europe/Berlin` or `UTC`."
        )
    return found


@functools.cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones() | {"UTC"}}


def zone(name: str) -> tzinfo:
    """The time zone a subscription stored (a name zone_name gave); UTC needs no tz database."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # the system lost a zone it had: the default rather than no digest


def last_instant(kind: str, weekday: int, at: str, tz: str, now: datetime) -> datetime:
    """The latest scheduled instant at or before `now` (UTC-aware), in UTC."""
    local_zone = zone(tz)
    local_now = now.astimezone(local_zone)
    hour, minute = (int(x) for x in at.split(":"))
    day = local_now.date()
    for back in range(0, 9):
        candidate_day = day - timedelta(days=back)
        if kind == "weekly" and candidate_day.weekday() != weekday:
            continue
        instant = datetime.combine(candidate_day, time(hour, minute), tzinfo=local_zone)
        if instant <= local_now:
            return instant.astimezone(UTC)
    raise AssertionError("a weekly schedule has an instant within 8 days")


def period_start(kind: str, end: datetime) -> datetime:
    """The start of the period a digest ending at `end` covers when it is the first one."""
    return end - (timedelta(days=1) if kind == "daily" else timedelta(days=7))


def next_instant(kind: str, weekday: int, at: str, tz: str, now: datetime) -> datetime:
    """The first scheduled instant after `now`, in UTC."""
    step = timedelta(days=1) if kind == "daily" else timedelta(days=7)
    return last_instant(kind, weekday, at, tz, now + step)
