"""A team's default workload (`set workload 50M in 5M out, 20% cached`, `unset workload`): written as a
change of the workspace (so the catalog's version moves and the workspace gets its own read model),
read by bot.read.builder into the read model, which every question without a workload then uses.

Callers own the transaction, as for prices (bot.store.prices).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.actor import Actor
from bot.contract.answers import WorkloadSetAnswer
from bot.contract.requests import Workload
from bot.domain.prices import DEFAULT_WORKLOAD
from bot.domain.query import parse_workload
from bot.domain.workloads import workload_view
from bot.domain.workspaces import SHARED
from bot.store.prices import new_change
from bot.store.tables import TeamWorkload


def team_spec(session: Session, workspace: str = SHARED) -> str | None:
    """The default workload in force in a workspace, as written: its own, else the shared catalog's."""
    for owner in dict.fromkeys((workspace, SHARED)):
        row = session.scalars(
            select(TeamWorkload)
            .where(TeamWorkload.workspace == owner)
            .order_by(TeamWorkload.id.desc())
            .limit(1)
        ).first()
        if row is not None:
            return row.spec
    return None


def team_workload(session: Session, workspace: str) -> Workload:
    """The workload a workspace's messages are priced for (countdowns, digests): its own, else the
    shared catalog's, else the model card's (DEFAULT_WORKLOAD: 10M input and 2M output tokens)."""
    spec = team_spec(session, workspace)
    return parse_workload(spec) if spec else DEFAULT_WORKLOAD


def set_team_workload(
    session: Session, spec: str | None, actor: Actor, workspace: str = SHARED
) -> WorkloadSetAnswer:
    """Set (or, with None, unset) the workspace's default workload, as `actor`: one change set, or none."""
    before = team_spec(session, workspace)
    unchanged = before == spec
    if not unchanged:
        change = new_change(session, "admin", actor, workspace)
        session.add(TeamWorkload(workspace=workspace, spec=spec, change_id=change.id))
        session.flush()
    return WorkloadSetAnswer(
        workload=workload_view(parse_workload(spec), team_default=True) if spec else None,
        previous=workload_view(parse_workload(before), team_default=True) if before else None,
        unchanged=unchanged,
        actor=actor,
    )
