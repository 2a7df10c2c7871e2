"""Tokens at rest (oauth mode): slack_sdk's SQLAlchemy installation store with every credential column
encrypted under MODELCOST_TOKEN_KEY (bot/store/cipher.py), and the re-encryption that ends a key rotation.

The store is slack_sdk's own, its SQL and its save, save_bot, find_installation, find_bot and deletes
unchanged, and so are the reads and token refreshes of bot.slackapi.installs, which go through them.
Only the type of the credential columns (bot.store.tables.SLACK_SECRETS) is ours: a value is encrypted
as it is bound into an INSERT or UPDATE and decrypted as a row is read, whichever path does it. The store
never compares those columns with a value (only `IS NOT NULL`), so Fernet's ciphertext, different at
each encryption, can stand in for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from cryptography.fernet import MultiFernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Dialect, Engine, Text, TypeDecorator, select, update

from bot.store.cipher import decrypt, encrypt, reencrypt
from bot.store.tables import INSTALLATION_VERSION, SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_SECRETS


class Encrypted(TypeDecorator[str]):
    """Text stored encrypted; `where` (table.column) names it in the error a wrong key gets."""

    impl = Text
    cache_ok = True  # its statements' cache keys hold the cipher object and `where`, both hashable

    def __init__(self, cipher: MultiFernet, where: str) -> None:
        super().__init__()
        self.cipher = cipher
        self.where = where

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(self.cipher, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(self.cipher, value, self.where)


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, its credential columns Encrypted."""

    def __init__(self, client_id: str, engine: Engine, cipher: MultiFernet, logger: logging.Logger) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger)
        # slack_sdk builds its tables in __init__, from classmethods that can't know the key: the
        # credential columns get their type here, before any statement is compiled from them.
        for table in (self.installations, self.bots):
            for name in SLACK_SECRETS[table.name]:
                table.c[name].type = Encrypted(cipher, f"{table.name}.{name}")


@dataclass(frozen=True, slots=True)
class Rotated:
    values: int  # credentials now under the first key
    rows: int
    changed: int  # rows saved by the app meanwhile (under the first key already), left as saved


def rotate(engine: Engine, cipher: MultiFernet) -> Rotated:
    """Encrypt every stored credential again under the first key of `cipher`, in one transaction, so
    that the keys after it can be dropped. UnreadableTokenError, and nothing changed, if one of them
    opens with none of the keys. A row the app saves meanwhile (a refreshed token, under the first key
    when the app runs with the same list) is left as the app saved it."""
    values = rows = changed = 0
    with engine.begin() as conn:
        # Each row updated takes the next installation version (migration 0016): taken first, its lock
        # can't interleave with an app's refresh waiting for it on a row still to be re-encrypted here.
        conn.execute(select(INSTALLATION_VERSION.c.version).with_for_update())
        for table in (SLACK_INSTALLATIONS, SLACK_BOTS):
            columns = [table.c[name] for name in SLACK_SECRETS[table.name]]
            stored = conn.execute(select(table.c.id, *columns).order_by(table.c.id)).mappings().all()
            for row in stored:
                old = {c.name: row[c.name] for c in columns}
                new = {
                    name: reencrypt(cipher, value, f"{table.name}.{name}")
                    for name, value in old.items()
                    if value is not None
                }
                if not new:
                    continue
                unchanged = [table.c[name].is_not_distinct_from(old[name]) for name in old]
                done = conn.execute(update(table).where(table.c.id == row["id"], *unchanged).values(new))
                if done.rowcount:
                    values, rows = values + len(new), rows + 1
                else:
                    changed += 1
    return Rotated(values=values, rows=rows, changed=changed)
