"""Lifecycle: whether an offering (and so a model) is active, deprecated or retired, and since when.

The facts come from the sources and are stored on each offering: genai-prices' `deprecated` flag
(written by apply_upstream) and LiteLLM's `deprecation_date` (the bundled extract, applied by
bot.store.lifecycle). A status is read against a day, not stored, so a deprecation date that passes
turns into a retirement without anyone rewriting the catalog:

- retired: a retirement day on or before the day asked; the offering's last price is still shown,
  marked, but alternatives, "cheapest host" and `list` skip it;
- deprecated: the provider says so (genai-prices), or a retirement day is coming (with its date);
- active: otherwise.

A model's status is its lab offering's: the lab decides when its API stops serving it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.contract.views import Status


def today() -> date:
    return datetime.now(UTC).date()


def status(deprecated: bool, retires_on: date | None, on: date) -> tuple[Status, date | None]:
    """The status on day `on`, and the day it dates from (the retirement day, past or coming)."""
    if retires_on is not None and retires_on <= on:
        return "retired", retires_on
    if retires_on is not None:
        return "deprecated", retires_on
    return ("deprecated" if deprecated else "active"), None
