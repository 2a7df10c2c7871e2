"""The Slack store tables migration 0007 creates are the ones slack_sdk's SQLAlchemy stores query:
our copy of their schema (bot.store.tables) is checked against the stores' own definitions, so an
upgrade of slack_sdk that changes them fails here instead of at the first install. Only the credential
columns differ: Text, for their Fernet ciphertext (migration 0008)."""

from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, Text

from bot.store.tables import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES, SLACK_SECRETS


def shape(table: Table) -> tuple[list[tuple[str, str, bool, bool]], set[tuple[str, tuple[str, ...]]]]:
    columns = [(c.name, repr(c.type), bool(c.nullable), c.primary_key) for c in table.columns]
    indexes = {(str(i.name), tuple(c.name for c in i.columns)) for i in table.indexes}
    return columns, indexes


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (SLACK_INSTALLATIONS, SQLAlchemyInstallationStore.build_installations_table),
        (SLACK_BOTS, SQLAlchemyInstallationStore.build_bots_table),
        (SLACK_OAUTH_STATES, SQLAlchemyOAuthStateStore.build_oauth_states_table),
    ],
)
def test_our_copy_of_the_store_tables_is_slack_sdks(ours: Table, theirs: object) -> None:
    built = theirs(MetaData(), ours.name)  # type: ignore[operator]
    for name in SLACK_SECRETS.get(ours.name, ()):
        assert repr(built.c[name].type) == "String(length=200)"
        built.c[name].type = Text()
    assert shape(ours) == shape(built)
