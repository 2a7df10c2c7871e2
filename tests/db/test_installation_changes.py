"""The installation changes log (migration 0016, bot/store/installations.py): every change of an
installation's rows is in it, in commit order and without gaps, whoever made it. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import Engine, text

from bot.slackapi.tokens import EncryptedInstallationStore
from bot.store.cipher import cipher_of, new_key
from bot.store.installations import changes_since, latest_version
from tests.installations import installation

pytestmark = pytest.mark.engines  # triggers are written per engine: every test on each backend


def store(engine: Engine) -> EncryptedInstallationStore:
    return EncryptedInstallationStore("1111.2222", engine, cipher_of(new_key()), logging.getLogger(__name__))


def changed(engine: Engine, since: int) -> list[tuple[str | None, str | None]]:
    found = changes_since(engine, since)
    assert found.complete
    assert [c.version for c in found.changes] == list(range(since + 1, found.version + 1))  # no gap
    return [(c.enterprise_id, c.team_id) for c in found.changes]


def test_every_install_refresh_and_uninstall_is_a_change_of_its_workspace(fresh: Engine) -> None:
    slack = store(fresh)
    start = latest_version(fresh)
    assert changes_since(fresh, start).changes == ()

    slack.save(installation("T1", "xoxb-1"))  # a row in slack_installations, one in slack_bots
    slack.save(installation(None, "xoxb-org", enterprise="E1"))
    slack.save(installation("T1", "xoxb-2"))  # a refresh: both rows updated in place
    slack.delete_all(enterprise_id=None, team_id="T1")

    assert changed(fresh, start) == [(None, "T1")] * 2 + [("E1", None)] * 2 + [(None, "T1")] * 4
    assert latest_version(fresh) == start + 8
    assert changes_since(fresh, start + 8).changes == ()


def test_a_change_rolled_back_leaves_no_gap(fresh: Engine) -> None:
    start = latest_version(fresh)
    with pytest.raises(RuntimeError), fresh.begin() as conn:
        conn.execute(text("DELETE FROM slack_bots"))
        conn.execute(
            text(
                "INSERT INTO slack_bots (client_id, app_id, team_id, is_enterprise_install, installed_at)"
                " VALUES ('1111.2222', 'A1', 'T9', false, '2026-12-01 00:00:00')"
            )
        )
        raise RuntimeError("rolled back")
    store(fresh).save(installation("T2", "xoxb-2"))

    assert changed(fresh, start) == [(None, "T2")] * 2


def test_concurrent_changes_are_read_in_the_order_they_commit(fresh: Engine) -> None:
    start = latest_version(fresh)
    second_done = threading.Event()

    def second_writer() -> None:
        store(fresh).save(installation("T2", "xoxb-2"))  # waits for the first transaction
        second_done.set()

    with fresh.begin() as first:
        first.execute(
            text(
                "INSERT INTO slack_bots (client_id, app_id, team_id, is_enterprise_install, installed_at)"
                " VALUES ('1111.2222', 'A1', 'T1', false, '2026-12-01 00:00:00')"
            )
        )
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert not second_done.wait(0.5)  # the second change can't take a version before this commits
        assert changes_since(fresh, start).changes == ()  # nothing committed yet
    thread.join(30)

    assert changed(fresh, start) == [(None, "T1"), (None, "T2"), (None, "T2")]


def test_a_reader_further_behind_than_the_log_keeps_is_told_so(fresh: Engine) -> None:
    start = latest_version(fresh)
    slack = store(fresh)
    for n in range(3):
        slack.save(installation(f"T{n}", f"xoxb-{n}"))
    with fresh.begin() as conn:  # as the trigger deletes changes older than KEEP
        conn.execute(text("DELETE FROM installation_changes WHERE version <= :v"), {"v": start + 2})

    found = changes_since(fresh, start)

    assert not found.complete and found.version == start + 6
    assert changes_since(fresh, start + 2).complete
