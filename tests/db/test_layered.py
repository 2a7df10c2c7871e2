"""A workspace's view is the shared read model with its own rows layered over it (bot.read.layered):
every answer of a corpus of questions, in workspaces with their own prices, names, team scores and
workload, is the answer of the view built whole from the database (bot.read.builder.build, the view
every workspace with rows of its own got before); a shared change builds the shared snapshot once and
no workspace's view; a workspace's change reads its own rows and builds nothing shared."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.errors import UserError, user_message
from bot.contract.requests import CatalogRead
from bot.domain import query
from bot.read import current, questions
from bot.read.builder import build
from bot.read.model import ReadModel
from bot.render.text import to_json
from bot.store.names import name_index
from bot.store.owned import own_rows, own_version
from bot.store.version import workspaces_with_rows
from tests.golden import corpus

pytestmark = pytest.mark.engines  # the store: every test on each backend


def admin(workspace: str) -> Context:
    return Context.slack("UADMIN", "C1", lambda _: True, workspace=workspace)


def member(workspace: str) -> Context:
    return Context.slack("UMEMBER", "C1", lambda _: False, workspace=workspace)


def answer(model: ReadModel, text: str) -> Any:
    """The JSON answer (or the error's message) to a read question, from one read model."""
    try:
        request = query.parse(text)
        assert isinstance(request, CatalogRead)
        return to_json(questions.read(model, request))
    except UserError as exc:
        return {"error": user_message(exc)}


def whole(engine: Engine, workspace: str) -> ReadModel:
    """The workspace's view built whole, as every workspace with rows of its own had it before."""
    with db.read_only(engine) as session:
        return build(session, current.current(engine).on, workspace)


def read_corpus(extra: list[str]) -> list[str]:
    """tests/golden.py's read questions (its `history` ones read the database, not the read model)."""
    return [t for t in [*corpus(), *extra] if isinstance(_parsed(t), CatalogRead)]


def _parsed(text: str) -> object:
    try:
        return query.parse(text)
    except UserError:
        return None


@pytest.fixture
def catalog_with_workspaces(fresh: Engine) -> Iterator[tuple[Engine, dict[str, list[str]]]]:
    """Workspaces each with rows of one kind, and one with all of them: {workspace: its own questions}."""
    shared = current.current(fresh)
    # A host's price for an open-weights model that alternatives rank, and a row at a lab's API
    # that is judged another host's (changing a judgement of the lab's rows).
    llama = shared.index.resolve("llama 3.3 70b")
    other = next(h for h in shared.hosts[llama] if h.provider_id != shared.models[llama].lab_provider_id)
    lab_key = next(iter(shared.lab_rows))
    lab_model = next(m for m, hs in shared.imported_hosts.items() if hs)
    lab_host = shared.imported_hosts[lab_model][0]
    # A model whose score floors a successor's (set and unset), and a family name derived from the models.
    successor, line = next(
        (m, ln)
        for m, ln in shared.layering.lines.items()
        if ln and m not in shared.quality["overall"] or shared.quality["overall"][m].floor_from_id
    )
    derived = next(k for k in shared.index.families if k not in shared.index._pinned and " " not in k)
    with db.read_only(fresh) as session:
        flagship = name_index(session).resolve(derived)  # as the edit reads it (the store's index)
    writes = {
        "TP": [
            "set o1 output 50",
            f"set {llama} at {other.provider_id} input 0.01 output 0.02",
            f"set {lab_model} at {lab_host.provider_id} input 0.5 output 1",
            f"set {shared.models[lab_model].id} input 0.5 output 1" if lab_key else "set r1 output 1",
        ],
        "TN": [
            "alias house-model r1",
            "alias house-o1 o1",
            f"alias {derived} {flagship}",  # a family's name derived from the models, for its flagship
        ],
        "TS": [
            "set sonnet score 1499",
            "set o1 coding score 1300",
            f"set {llama} score 1600",
            f"set {line[0]} score 1550",
            "unset r1 score",
        ],
        "TW": ["set workload 50M in 5M out, 20% cached"],
    }
    writes["TM"] = [w for ws in writes.values() for w in ws]
    for workspace, texts in writes.items():
        for text in texts:
            respond(fresh, text, admin(workspace))
    asked = [
        "house-model",
        "house model",
        "housemodel",
        "house-o1",
        "houseo1",
        "hous-model",
        derived,
        f"cheaper {derived}",
        f"{successor}",
        f"cheaper {llama}",
        f"{llama} hosts",
        f"{lab_model}",
        f"cheaper {lab_model} --all",
        "list open",
        "cheaper o1 for coding",
    ]
    yield fresh, {w: asked for w in writes}


def test_answers_with_overrides_equal_the_view_built_whole(
    catalog_with_workspaces: tuple[Engine, dict[str, list[str]]],
) -> None:
    engine, workspaces = catalog_with_workspaces
    for workspace, extra in workspaces.items():
        before = current.builds(engine).get("whole", 0)
        layered = current.current(engine, workspace)
        assert current.builds(engine).get("whole", 0) == before, f"{workspace}'s view was built whole"
        assert layered.workspace == workspace
        built = whole(engine, workspace)
        texts = read_corpus(extra)
        differing = [t for t in texts if answer(layered, t) != answer(built, t)]
        assert not differing, f"{workspace}: {len(differing)} of {len(texts)} differ, e.g. {differing[:5]}"


def test_after_a_shared_change_the_rows_laid_over_the_new_snapshot_answer_as_built_whole(
    catalog_with_workspaces: tuple[Engine, dict[str, list[str]]],
) -> None:
    engine, workspaces = catalog_with_workspaces
    current.current(engine, "TM")
    for text in ["set o1 input 14", "set r1 output 3", "set sonnet score 1400", "alias shared-model o3"]:
        respond(engine, text, Context.cli())  # the shared catalog's changes, as feeds and the operator make
    layered = current.current(engine, "TM")
    assert current.builds(engine).get("whole", 0) == 0
    built = whole(engine, "TM")
    texts = read_corpus([*workspaces["TM"], "shared-model", "sonnet"])
    differing = [t for t in texts if answer(layered, t) != answer(built, t)]
    assert not differing, f"{len(differing)} of {len(texts)} differ, e.g. {differing[:5]}"


def test_the_workspaces_see_their_own_rows(
    catalog_with_workspaces: tuple[Engine, dict[str, list[str]]],
) -> None:
    engine, _ = catalog_with_workspaces
    assert respond(engine, "o1", member("TP")).model.price.output_mtok == 50
    assert respond(engine, "o1", member("TN")).model.price.output_mtok == 60
    assert respond(engine, "house-model", member("TN")).model.id == "deepseek-r1"
    with pytest.raises(UserError, match="house-model"):
        respond(engine, "house-model", member("TP"))
    quality = respond(engine, "sonnet", member("TS")).model.quality
    assert quality is not None and quality.team and quality.score == 1499
    workload = respond(engine, "o1", member("TW")).workload
    assert workload is not None and workload.input_tokens == 50_000_000 and workload.team_default


def test_a_shared_change_builds_no_workspace_view(fresh: Engine) -> None:
    respond(fresh, "set o1 output 50", admin("TA"))
    respond(fresh, "set sonnet score 1499", admin("TA"))
    current.watch(fresh)
    try:
        first = current.current(fresh, "TA")
        counts = current.builds(fresh)

        respond(fresh, "set o1 input 16", Context.cli())  # a shared change, as a feed sync makes
        shared = current.current(fresh)

        # The workspace's question is answerable at once, from memory: no database read, no build.
        assert current.held(fresh, "TA")
        view = current.current(fresh, "TA")
        after = current.builds(fresh)
        assert after["shared"] == counts.get("shared", 0) + 1
        assert after.get("whole", 0) == counts.get("whole", 0) == 0
        assert after["layered"] == counts["layered"] + 1
        assert view is not first and view.index is shared.index and view.models is shared.models
        o1 = respond(fresh, "o1", member("TA")).model.price
        assert (o1.input_mtok, o1.output_mtok) == (15, 50)  # its own row stands whole, as a sync keeps it
        o1 = respond(fresh, "o1", member("TB")).model.price
        assert (o1.input_mtok, o1.output_mtok) == (16, 60)

        # A workspace's own change reads its rows again and builds nothing shared.
        respond(fresh, "set o1 output 40", admin("TA"))
        assert respond(fresh, "o1", member("TA")).model.price.output_mtok == 40
        assert current.builds(fresh)["shared"] == after["shared"]
        assert current.builds(fresh).get("whole", 0) == 0
    finally:
        current.unwatch(fresh)


def test_a_name_over_a_shared_name_is_built_whole_and_answers_the_same(fresh: Engine) -> None:
    respond(fresh, "alias house-model r1", admin("TA"))
    respond(fresh, "alias house-model o3", Context.cli())  # the shared catalog takes the name later
    before = current.builds(fresh).get("whole", 0)
    view = current.current(fresh, "TA")
    assert current.builds(fresh).get("whole", 0) == before + 1
    assert respond(fresh, "house-model", member("TA")).model.id == "deepseek-r1"
    assert respond(fresh, "house-model", member("TB")).model.id == "o3"
    assert answer(view, "house-model") == answer(whole(fresh, "TA"), "house-model")


def test_a_workspace_own_rows_and_versions(fresh: Engine) -> None:
    with db.read_only(fresh) as session:
        assert own_rows(session, "TA").empty
        empty = own_version(session.connection(), "TA")
    respond(fresh, "set o1 output 50", admin("TA"))
    respond(fresh, "alias house-model r1", admin("TA"))
    respond(fresh, "set sonnet score 1499", admin("TA"))
    respond(fresh, "set workload 1M in 1M out", admin("TB"))
    respond(fresh, "set o1 output 45", Context.cli())  # the shared catalog's: no workspace's
    with db.read_only(fresh) as session:
        own = own_rows(session, "TA")
        version = own_version(session.connection(), "TA")
    assert [row.output_mtok for row in own.prices.values()] == [50]
    assert own.aliases == (("house-model", "deepseek-r1"),)
    assert [(k[2], k[3], r.score) for k, r in own.scores.items()] == [("", "team", 1499)]
    assert [a.id for a in own.actors.values()] == ["UADMIN"]
    assert own.workload == (False, None) and own.version == version != empty
    owners = workspaces_with_rows(fresh)
    assert set(owners) == {"TA", "TB"} and owners["TA"] == version
    respond(fresh, "set o1 output 40", admin("TA"))
    assert workspaces_with_rows(fresh)["TA"] != version


def test_a_workspace_change_made_elsewhere_shows_within_the_poll_and_builds_nothing_shared(
    fresh_url: str,
) -> None:
    reader, writer = db.make_engine(fresh_url), db.make_engine(fresh_url)
    respond(writer, "set o1 output 50", admin("TA"))
    current.watch(reader)
    try:
        assert respond(reader, "o1", member("TA")).model.price.output_mtok == 50
        shared = current.builds(reader)["shared"]
        respond(writer, "set o1 output 40", admin("TA"))  # another engine: as another process
        deadline = time.monotonic() + 30
        while (
            respond(reader, "o1", member("TA")).model.price.output_mtok != 40 and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        assert respond(reader, "o1", member("TA")).model.price.output_mtok == 40
        assert respond(reader, "o1", member("TB")).model.price.output_mtok == 60
        assert current.builds(reader)["shared"] == shared
        assert current.held(reader, "TA")  # its next question is answered from memory
    finally:
        current.unwatch(reader)
        reader.dispose()
        writer.dispose()
