"""Admin edits and subscriptions on the catalog: exact hosts, aliases that take nothing over, and
subscriptions to names of several words."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.errors import EditError, UnknownModelError
from bot.store.names import name_index
from bot.store.tables import Change

pytestmark = pytest.mark.engines  # the store: every test on each backend

CHANNEL = Context.slack("U1", "C1", lambda _: False)
CLI = Context.cli()


def changes(engine: Engine) -> int:
    with db.session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(Change)) or 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set r1 at % input 3 output 7", "I don't know a host called '%'"),
        ("set o1 at ai input 1 output 2", "'ai' could be"),
        ("set o1 at open input 1 output 2", "could be openai, openai-decisions, openrouter"),
    ],
)
def test_a_host_must_be_named_unambiguously(fresh: Engine, text: str, message: str) -> None:
    before = changes(fresh)
    with pytest.raises(EditError, match=message):
        respond(fresh, text, CLI)
    assert changes(fresh) == before


def test_a_host_by_id_or_by_name(fresh: Engine) -> None:
    assert respond(fresh, "set r1 at together input 3 output 7", CLI).change.provider_name == "Together AI"
    assert respond(fresh, "set r1 at Together AI input 3 output 7", CLI).unchanged


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alias openai/o1 r1", "'openai/o1' already means o1"),
        ("alias o-1 r1", "'o-1' already means o1"),
        ("alias o3 o1", "already the id of o3"),
    ],
)
def test_an_alias_never_takes_over_a_name_that_means_another_model(
    fresh: Engine, text: str, message: str
) -> None:
    with pytest.raises(EditError, match=message):
        respond(fresh, text, CLI)
    assert respond(fresh, "o1", CLI).model.id == "o1"


@pytest.mark.parametrize(
    ("text", "models"),
    [
        ("subscribe o1 r1", ["deepseek-r1", "o1"]),
        ("subscribe opus 4.1", ["claude-opus-4.1"]),
        ("subscribe gpt-4o mini", ["gpt-4o-mini"]),
        ("subscribe deepseek r1 o3", ["deepseek-r1", "o3"]),
        ("subscribe deepseek r1, o3 above 5%", ["deepseek-r1", "o3"]),
    ],
)
def test_subscribing_to_names_of_several_words(fresh: Engine, text: str, models: list[str]) -> None:
    assert respond(fresh, text, CHANNEL).subscription.model_ids == models


def test_the_writes_name_index_is_kept_across_price_edits_and_built_again_for_a_new_name(
    fresh: Engine,
) -> None:
    with db.read_only(fresh) as session:
        before = name_index(session)

    respond(fresh, "set o1 output 50", CLI)
    with db.read_only(fresh) as session:
        assert name_index(session) is before  # a price names nothing: nothing to build again

    respond(fresh, "alias house-model r1", CLI)
    with db.read_only(fresh) as session:
        after = name_index(session)
    assert after is not before and after.resolve("house-model") == "deepseek-r1"
    assert respond(fresh, "set house-model output 3", CLI).change.model_id == "deepseek-r1"  # type: ignore[union-attr]


def test_a_workspaces_own_name_serves_its_writes_and_no_other_workspaces(fresh: Engine) -> None:
    def admin_of(workspace: str) -> Context:
        return Context.slack("UADMIN", "C1", lambda _: True, workspace=workspace)

    respond(fresh, "alias house-model r1", admin_of("TA"))

    assert respond(fresh, "set house-model output 3", admin_of("TA")).change.model_id == "deepseek-r1"  # type: ignore[union-attr]
    with pytest.raises(UnknownModelError):
        respond(fresh, "set house-model output 3", admin_of("TB"))
    with pytest.raises(UnknownModelError):
        respond(fresh, "set house-model output 3", CLI)  # the shared catalog's
    with db.read_only(fresh) as session:  # TB has no names of its own: the shared index serves it as it is
        assert name_index(session, "TB") is name_index(session)
