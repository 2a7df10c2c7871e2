"""Slack's stored credentials encrypted (oauth mode): the token, refresh token and webhook URL columns of
slack_installations and slack_bots become Text (Fernet's ciphertext is longer than slack_sdk's 200
characters), and each value in them is encrypted under MODELCOST_TOKEN_KEY's first key (bot/store/cipher.py).
With such values stored and no key in the environment it refuses, in one line, before changing anything.
The downgrade decrypts them (the key is needed then too) and gives the columns back their String(200).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import MultiFernet

from bot.config import Settings
from bot.store.cipher import KEY_SETTING, TokenKeyError, cipher_of, decrypt, encrypt

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The credential columns as of this revision (bot.store.tables.SLACK_SECRETS may name more later,
# with a migration of their own).
SECRETS = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    cipher = _cipher_if_needed("encrypts")
    _retype(sa.String(length=200), sa.Text())
    if cipher is not None:
        _convert(lambda value, where: encrypt(cipher, value))


def downgrade() -> None:
    cipher = _cipher_if_needed("decrypts")
    if cipher is not None:
        _convert(lambda value, where: decrypt(cipher, value, where))
    _retype(sa.Text(), sa.String(length=200))


def _retype(old: sa.types.TypeEngine[str], new: sa.types.TypeEngine[str]) -> None:
    for table, columns in SECRETS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, existing_type=old, type_=new, existing_nullable=True)


def _tables() -> list[sa.TableClause]:
    return [
        sa.table(name, sa.column("id", sa.Integer()), *(sa.column(c, sa.Text()) for c in columns))
        for name, columns in SECRETS.items()
    ]


def _cipher_if_needed(verb: str) -> MultiFernet | None:
    """MODELCOST_TOKEN_KEY's cipher when credentials are stored (None when there are none); when they
    are and it is unset, TokenKeyError before anything changed."""
    conn = op.get_bind()
    held = 0
    for table in _tables():
        filled = sa.or_(*(c.is_not(None) for c in table.c if c.name != "id"))
        held += conn.execute(sa.select(sa.func.count()).select_from(table).where(filled)).scalar_one()
    if not held:
        return None
    key = Settings.from_env().token_key
    if key is None:
        raise TokenKeyError(
            f"migration 0008 {verb} the Slack tokens stored in slack_installations and slack_bots "
            f"({held} rows): set {KEY_SETTING} (`modelcost tokens key` makes one) and run it again"
        )
    return cipher_of(key.get_secret_value())


def _convert(change: Callable[[str, str], str]) -> None:
    """Each stored credential replaced by change(value, "table.column")."""
    conn = op.get_bind()
    for table in _tables():
        columns = [c for c in table.c if c.name != "id"]
        filled = sa.select(table).where(sa.or_(*(c.is_not(None) for c in columns)))
        for row in conn.execute(filled).mappings().all():  # read whole before the table is written
            values = {
                c.name: change(row[c.name], f"{table.name}.{c.name}")
                for c in columns
                if row[c.name] is not None
            }
            conn.execute(table.update().where(table.c.id == row["id"]).values(values))
