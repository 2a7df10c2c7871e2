"""Slack's tokens at rest (oauth mode): every credential column encrypted under MODELCOST_TOKEN_KEY,
read back through slack_sdk's own store, under rotating keys; `modelcost tokens rotate`; migration
0008 encrypting the plaintext rows of a database from before it. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, inspect, text

from bot import db
from bot.cli import main
from bot.slackapi.tokens import EncryptedInstallationStore
from bot.store import migrations, schema
from bot.store.cipher import TokenKeyError, UnreadableTokenError, cipher_of
from bot.store.tables import SLACK_SECRETS

pytestmark = pytest.mark.engines  # the store and migration 0008: every test on each backend

# The keys differ in their first 16 bytes, Fernet's signing key: one never verifies the other's tokens.
KEY_A = base64.urlsafe_b64encode(b"A-modelcost-test-token-key-32byt").decode()
KEY_B = base64.urlsafe_b64encode(b"B-modelcost-test-token-key-32byt").decode()
CLIENT_ID = "1111.2222"
# Rotating tokens are long ("xoxe.xoxb-1-" and some 150 characters more): longer than slack_sdk's
# String(200) once encrypted.
BOT_TOKEN = "xoxe.xoxb-1-" + "MS0yLTIyMTk" * 15
SECRETS = {
    "bot_token": BOT_TOKEN,
    "bot_refresh_token": "xoxe-1-" + "My0xLTIyMTk" * 14,
    "user_token": "xoxp-1-user-token-not-real",
    "user_refresh_token": "xoxe-1-user-refresh-not-real",
    "incoming_webhook_url": "https://hooks.slack.com/services/T1/B1/not-a-real-webhook-secret",
}


def installation(team: str = "T1", **secrets: str | None) -> Installation:
    return Installation(
        app_id="A0MODELCOST",
        enterprise_id=None,
        team_id=team,
        team_name="Team One",
        bot_id="B1",
        bot_user_id="U1BOT",
        bot_scopes="commands,chat:write",
        user_id="U0INSTALLER",
        user_scopes="",
        incoming_webhook_channel="#prices",
        incoming_webhook_channel_id="C1",
        incoming_webhook_configuration_url="https://team.slack.com/services/B1",
        bot_token_expires_at=int((datetime.now(UTC) + timedelta(hours=12)).timestamp()),
        installed_at=datetime.now(UTC).timestamp(),
        **(SECRETS | secrets),
    )


def store(engine: Engine, keys: str) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(CLIENT_ID, engine, cipher_of(keys), logging.getLogger(__name__))


def stored(engine: Engine, table: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()]


def secrets_of(found: Installation | None) -> dict[str, str | None]:
    assert found is not None
    return {name: getattr(found, name) for name in SECRETS}


def assert_encrypted(engine: Engine) -> None:
    """No credential in the clear anywhere in the two tables; each credential column Fernet ciphertext."""
    for table, columns in SLACK_SECRETS.items():
        rows = stored(engine, table)
        assert rows
        for row in rows:
            assert all(row[c] is None or row[c].startswith("gAAAAA") for c in columns)
            cells = " ".join(str(v) for v in row.values())
            assert not [name for name, secret in SECRETS.items() if secret in cells]


@pytest.fixture
def engine(fresh: Engine) -> Engine:
    return fresh


def test_every_credential_is_stored_encrypted_and_found_as_it_was(engine: Engine) -> None:
    store(engine, KEY_A).save(installation())

    assert_encrypted(engine)
    assert secrets_of(store(engine, KEY_A).find_installation(enterprise_id=None, team_id="T1")) == SECRETS
    bot = store(engine, KEY_A).find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (
        SECRETS["bot_token"],
        SECRETS["bot_refresh_token"],
    )
    # A user's installation without a bot token gets the latest bot's, as slack_sdk's store does.
    store(engine, KEY_A).save(installation(bot_token=None, bot_refresh_token=None, user_token="xoxp-2"))
    found = store(engine, KEY_A).find_installation(enterprise_id=None, team_id="T1", user_id="U0INSTALLER")
    assert found is not None and (found.bot_token, found.user_token) == (BOT_TOKEN, "xoxp-2")


def test_a_token_saved_under_key_a_is_read_with_b_a_and_rotated_to_b(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store(engine, KEY_A).save(installation("T1"))
    store(engine, KEY_A).save(installation("T2"))
    before = stored(engine, "slack_bots")

    assert (
        secrets_of(store(engine, f"{KEY_B},{KEY_A}").find_installation(enterprise_id=None, team_id="T2"))
        == SECRETS
    )

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MODELCOST_TOKEN_KEY", f"{KEY_B},{KEY_A}")
    assert main(["tokens", "rotate"]) == 0

    assert capsys.readouterr().out.startswith(
        "14 token(s) in 4 row(s) encrypted again under the first key of MODELCOST_TOKEN_KEY."
    )
    assert_encrypted(engine)
    assert [r["bot_token"] for r in stored(engine, "slack_bots")] != [r["bot_token"] for r in before]
    for team in ("T1", "T2"):
        found = store(engine, KEY_B).find_installation(enterprise_id=None, team_id=team)
        assert secrets_of(found) == SECRETS
    with pytest.raises(UnreadableTokenError) as refused:
        store(engine, KEY_A).find_installation(enterprise_id=None, team_id="T1")
    said = str(refused.value)
    assert said == (
        "a token stored in slack_installations.bot_token can't be decrypted with MODELCOST_TOKEN_KEY: "
        "is the key it was stored under still in the list?"
    )


def test_rotating_with_a_key_list_that_opens_nothing_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store(engine, KEY_A).save(installation())
    before = stored(engine, "slack_installations")
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MODELCOST_TOKEN_KEY", KEY_B)

    assert main(["tokens", "rotate"]) == 1

    assert capsys.readouterr().err == (
        "modelcost: a token stored in slack_installations.bot_token can't be decrypted with "
        "MODELCOST_TOKEN_KEY: is the key it was stored under still in the list?\n"
    )
    assert stored(engine, "slack_installations") == before


@pytest.fixture
def at_0007(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database at 0007 whose two installations slack_sdk's stock store saved, tokens in the clear."""
    monkeypatch.delenv("MODELCOST_TOKEN_KEY", raising=False)
    engine = db.make_engine(empty_url)
    schema.upgrade(engine, "0007")
    plain = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
    plain.save(installation("T1"))
    plain.save(installation("T2", user_token=None))
    yield engine
    engine.dispose()


def test_0008_encrypts_the_tokens_of_a_database_from_before_it(
    at_0007: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {table: stored(at_0007, table) for table in SLACK_SECRETS}
    assert before["slack_bots"][0]["bot_token"] == BOT_TOKEN  # the test can see a token in the clear
    monkeypatch.setenv("MODELCOST_TOKEN_KEY", KEY_A)

    schema.upgrade(at_0007)

    assert schema.current_revision(at_0007) == migrations.HEAD_REVISION
    assert_encrypted(at_0007)
    for team in ("T1", "T2"):
        found = store(at_0007, KEY_A).find_installation(enterprise_id=None, team_id=team)
        assert secrets_of(found) == SECRETS | ({"user_token": None} if team == "T2" else {})
    for table, rows in before.items():  # nothing else changed
        after = stored(at_0007, table)
        drop = set(SLACK_SECRETS[table])
        assert [{k: v for k, v in r.items() if k not in drop} for r in after] == [
            {k: v for k, v in r.items() if k not in drop} for r in rows
        ]

    # The downgrade decrypts them again, into slack_sdk's String(200).
    command.downgrade(schema.alembic_config(at_0007), "0007")

    assert {table: stored(at_0007, table) for table in SLACK_SECRETS} == before
    with at_0007.connect() as conn:
        columns = {c["name"]: c["type"] for c in inspect(conn).get_columns("slack_bots")}
    assert getattr(columns["bot_token"], "length", None) == 200


def test_0008_without_a_key_refuses_in_one_line_and_changes_nothing(at_0007: Engine) -> None:
    before = {table: stored(at_0007, table) for table in SLACK_SECRETS}

    with pytest.raises(TokenKeyError) as refused:
        schema.upgrade(at_0007)

    assert str(refused.value) == (
        "migration 0008 encrypts the Slack tokens stored in slack_installations and slack_bots (4 rows): "
        "set MODELCOST_TOKEN_KEY (`modelcost tokens key` makes one) and run it again"
    )
    assert schema.current_revision(at_0007) == "0007"
    assert {table: stored(at_0007, table) for table in SLACK_SECRETS} == before


def test_tokens_key_makes_a_key_that_opens_what_it_closed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "key"]) == 0
    key = capsys.readouterr().out.strip()

    cipher = cipher_of(f"{key},{KEY_A}")
    assert cipher_of(key).decrypt(cipher.encrypt(b"xoxb-1")) == b"xoxb-1"
