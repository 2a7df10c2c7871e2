"""The in-memory read model: answers come from it, a write made here shows in the next answer, a
change made elsewhere shows within the poller's second, and snapshots kept on disk are used only
while they still hold."""

from __future__ import annotations

import threading
import time
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import db
from bot.commands.ask import Context, respond
from bot.contract.answers import ModelAnswer
from bot.read import current, snapfile
from bot.store.version import catalog_version

pytestmark = pytest.mark.engines  # the store: every test on each backend


def o1_input(engine: Engine) -> D | None:
    answer = respond(engine, "o1", Context.cli())
    assert isinstance(answer, ModelAnswer)
    return answer.model.price.input_mtok


def test_a_write_here_shows_in_the_next_answer(fresh: Engine) -> None:
    assert o1_input(fresh) == D("15")
    respond(fresh, "set o1 input 14", Context.cli())
    assert o1_input(fresh) == D("14")


def test_a_watched_catalog_answers_without_the_database_and_sees_writes_here_at_once(fresh: Engine) -> None:
    version = current.watch(fresh)
    try:
        assert o1_input(fresh) == D("15")
        before = version()
        respond(fresh, "set o1 input 13", Context.cli())
        assert version() != before  # a reply cache forgets at once
        assert o1_input(fresh) == D("13")
    finally:
        current.unwatch(fresh)


def test_a_watched_catalog_sees_another_process_change_within_its_poll(fresh_url: str) -> None:
    reader, writer = db.make_engine(fresh_url), db.make_engine(fresh_url)
    current.watch(reader)
    try:
        assert o1_input(reader) == D("15")
        respond(writer, "set o1 input 12", Context.cli())  # another engine: as another process
        deadline = time.monotonic() + 30
        while o1_input(reader) != D("12") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert o1_input(reader) == D("12")
    finally:
        current.unwatch(reader)
        reader.dispose()
        writer.dispose()


def test_a_kept_snapshot_is_used_only_for_its_version(fresh: Engine, tmp_path: Path) -> None:
    model = current.current(fresh)
    snapfile.save(tmp_path, fresh, model)
    loaded = snapfile.load(tmp_path, fresh, model.version, model.on)
    assert loaded is not None and loaded.version == model.version
    assert snapfile.load(tmp_path, fresh, (*model.version, "moved"), model.on) is None
    respond(fresh, "set o1 input 11", Context.cli())
    assert snapfile.load(tmp_path, fresh, catalog_version(fresh), model.on) is None


def test_a_damaged_snapshot_is_a_miss(fresh: Engine, tmp_path: Path) -> None:
    model = current.current(fresh)
    snapfile.save(tmp_path, fresh, model)
    for path in tmp_path.glob("readmodel-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert snapfile.load(tmp_path, fresh, model.version, model.on) is None


def test_a_question_after_a_write_here_waits_for_the_rebuild_it_needs(
    fresh: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Watched (as the Slack app is), a question asked while the snapshot is being rebuilt after a
    write made in this process waits for it: never answered from the snapshot before the write."""
    current.watch(fresh)
    try:
        assert "cheapfour" not in current.current(fresh).index.aliases
        building, finish = threading.Event(), threading.Event()
        build = current._load

        def slow_build(*args: Any, **kwargs: Any) -> Any:  # a build that takes a while (a busy machine)
            building.set()
            finish.wait(10)
            return build(*args, **kwargs)

        monkeypatch.setattr(current, "_load", slow_build)
        respond(fresh, "alias cheapfour gpt-4o", Context.cli())
        answers: list[Any] = []
        first = threading.Thread(target=lambda: answers.append(current.current(fresh)))
        first.start()
        assert building.wait(10)  # the rebuild the write needs has begun
        second = threading.Thread(target=lambda: answers.append(current.current(fresh)))
        second.start()
        second.join(0.3)  # the second question comes while the build is under way
        finish.set()
        first.join(10)
        second.join(10)
        assert [a.index.aliases.get("cheapfour") for a in answers] == ["gpt-4o", "gpt-4o"]
    finally:
        current.unwatch(fresh)
