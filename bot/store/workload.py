"""The team's default workload, the one place countdowns and digests ask for it.

Today every team gets bot.domain.prices.DEFAULT_WORKLOAD (the model card's: 10M input and 2M output
tokens). Issue 27 (`set workload …`) stores a team's own; it changes this function alone, and every
message that prices a workload for a team follows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.contract.requests import Workload
from bot.domain.prices import DEFAULT_WORKLOAD


def team_workload(session: Session, workspace: str) -> Workload:
    """The workload a workspace's messages are priced for."""
    return DEFAULT_WORKLOAD
