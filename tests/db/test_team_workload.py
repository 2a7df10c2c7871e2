"""A team's default workload (`set workload …`, issue 27): stored per workspace on SQLite and PostgreSQL,
used by every question that gives none, and said in each answer that uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.commands.ask import Context, respond
from bot.contract.answers import CompareAnswer, ModelAnswer, WorkloadSetAnswer
from bot.contract.errors import NotAdminError
from bot.render.text import to_text


@pytest.mark.engines
def test_set_use_and_unset_the_team_default(fresh: Engine) -> None:
    cli = Context.cli()
    done = respond(fresh, "set workload 50M in 5M out, 20% cached", cli)
    assert isinstance(done, WorkloadSetAnswer) and not done.unchanged and done.previous is None
    assert "The team's default workload is now 50M in + 5M out, 20% cached" in to_text(done)

    used = respond(fresh, "r1 vs o1", cli)
    assert isinstance(used, CompareAnswer)
    assert (used.workload.input_tokens, used.workload.output_tokens) == (50_000_000, 5_000_000)
    assert used.workload.team_default and used.workload.given
    assert "50M in + 5M out, 20% cached (the team's default workload)" in to_text(used)
    assert all(m.pricing is not None for m in used.models)

    own = respond(fresh, "r1 vs o1 for 1M in 1M out", cli)
    assert isinstance(own, CompareAnswer) and not own.workload.team_default
    assert own.workload.input_tokens == 1_000_000

    again = respond(fresh, "set workload 50m in 5m out, 20% cached", cli)
    assert isinstance(again, WorkloadSetAnswer) and again.unchanged

    gone = respond(fresh, "unset workload", cli)
    assert isinstance(gone, WorkloadSetAnswer) and gone.workload is None and gone.previous is not None
    after = respond(fresh, "o1", cli)
    assert isinstance(after, ModelAnswer) and not after.workload.given and after.model.pricing is None


@pytest.mark.engines
def test_a_workspace_default_is_its_own(fresh: Engine) -> None:
    respond(fresh, "set workload 1M in 1M out, batch", Context.cli("T-ONE"))
    theirs = respond(fresh, "gpt-5.5", Context.cli("T-ONE"))
    assert isinstance(theirs, ModelAnswer) and theirs.workload.team_default
    assert theirs.workload.service_tier == "batch" and theirs.model.pricing is not None
    assert theirs.model.pricing.tiers == ["batch"]
    shared = respond(fresh, "gpt-5.5", Context.cli())
    assert isinstance(shared, ModelAnswer) and not shared.workload.team_default


def test_only_admins_set_it(catalog: Engine) -> None:
    someone = Context(user_id="U1", channel_id="C1", admin_check=lambda: False)
    with pytest.raises(NotAdminError):
        respond(catalog, "set workload 50M in 5M out", someone)
