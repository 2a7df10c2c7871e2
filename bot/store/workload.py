"""The team's default workload, the one place countdowns and digests ask for it: the workspace's own
(`set workload …`, bot.store.workloads), else the shared catalog's, else the model card's
(bot.domain.prices.DEFAULT_WORKLOAD: 10M input and 2M output tokens)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.contract.requests import Workload
from bot.domain.prices import DEFAULT_WORKLOAD
from bot.domain.query import parse_workload
from bot.store.workloads import team_spec


def team_workload(session: Session, workspace: str) -> Workload:
    """The workload a workspace's messages are priced for."""
    spec = team_spec(session, workspace)
    return parse_workload(spec) if spec else DEFAULT_WORKLOAD
