"""Who made a change is stored as data (kind + id), not as Slack's rendered `admin <@U123>`.

changes.actor -> changes.actor_kind + actor_id; prices.source -> prices.source_id, with
prices.source_kind now admin | feed | snapshot (it was admin | feed | seed). Existing rows are converted:
`admin <@U123>` -> (admin, U123), `admin (cli)` -> (admin, cli), the seed's label -> (snapshot, label),
a feed -> (feed, its URL without query string, fragment or credentials, which may carry a token).
A feed's price rows take their change's feed URL (their old label was "genai-prices feed, fetched <date>").

The conversion is written out here, not imported from bot/, so that this migration keeps doing what
it did when later code changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 09:12:40.000000
"""

import re
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MENTION = re.compile(r"^admin <@([^>|]*)(?:\|[^>]*)?>$")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def _public_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _strip_urls(text: str) -> str:
    return _URL.sub(lambda m: _public_url(m.group(0)), text)


def _actor(kind: str, label: str) -> tuple[str, str]:
    """(actor kind, id) of an old change: kind is seed | admin | sync (or a price's seed | admin | feed)."""
    if m := _MENTION.match(label):
        return "admin", m.group(1)
    if label == "admin (cli)":
        return "admin", "cli"
    if kind == "admin" or label.startswith("admin "):
        return "admin", label.removeprefix("admin ")
    if kind in ("sync", "feed") or label.startswith("feed "):
        return "feed", _strip_urls(label.removeprefix("feed "))[:200]
    return "snapshot", label


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("actor_kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("actor_id", sa.String(length=200), nullable=True))
    with op.batch_alter_table("prices") as batch:
        batch.add_column(sa.Column("source_id", sa.String(length=200), nullable=True))

    conn = op.get_bind()
    changes = sa.table(
        "changes",
        sa.column("id"),
        sa.column("kind"),
        sa.column("actor"),
        sa.column("actor_kind"),
        sa.column("actor_id"),
    )
    # One UPDATE per distinct label (a handful), not one per row (thousands of seed prices).
    for kind, label in conn.execute(sa.select(changes.c.kind, changes.c.actor).distinct()).all():
        actor_kind, actor_id = _actor(kind, label)
        conn.execute(
            changes.update()
            .where(changes.c.kind == kind, changes.c.actor == label)
            .values(actor_kind=actor_kind, actor_id=actor_id)
        )
    prices = sa.table(
        "prices",
        sa.column("change_id"),
        sa.column("source_kind"),
        sa.column("source"),
        sa.column("source_id"),
    )
    found = conn.execute(
        sa.select(prices.c.source_kind, prices.c.source, changes.c.actor)
        .select_from(prices.join(changes, changes.c.id == prices.c.change_id))
        .distinct()
    ).all()
    for source_kind, source, change_label in found:
        if source_kind == "feed" and change_label.startswith("feed "):
            new_kind, new_id = _actor("feed", change_label)
        else:
            new_kind, new_id = _actor(source_kind, source)
        conn.execute(
            prices.update()
            .where(
                prices.c.source_kind == source_kind,
                prices.c.source == source,
                prices.c.source_id.is_(None),
                prices.c.change_id.in_(sa.select(changes.c.id).where(changes.c.actor == change_label)),
            )
            .values(source_kind=new_kind, source_id=new_id)
        )

    with op.batch_alter_table("changes") as batch:
        batch.alter_column("actor_kind", existing_type=sa.String(length=20), nullable=False)
        batch.alter_column("actor_id", existing_type=sa.String(length=200), nullable=False)
        batch.drop_column("actor")
    with op.batch_alter_table("prices") as batch:
        batch.alter_column("source_id", existing_type=sa.String(length=200), nullable=False)
        batch.drop_column("source")


def _label(kind: str, actor_id: str) -> str:
    """The old rendered form, for a downgrade."""
    if kind == "admin":
        return "admin (cli)" if actor_id == "cli" else f"admin <@{actor_id}>"
    if kind == "feed":
        return f"feed {actor_id}"
    return actor_id


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=200), nullable=True))
    with op.batch_alter_table("prices") as batch:
        batch.add_column(sa.Column("source", sa.String(length=200), nullable=True))

    conn = op.get_bind()
    changes = sa.table("changes", sa.column("actor"), sa.column("actor_kind"), sa.column("actor_id"))
    for kind, actor_id in conn.execute(sa.select(changes.c.actor_kind, changes.c.actor_id).distinct()).all():
        conn.execute(
            changes.update()
            .where(changes.c.actor_kind == kind, changes.c.actor_id == actor_id)
            .values(actor=_label(kind, actor_id)[:200])
        )
    prices = sa.table("prices", sa.column("source_kind"), sa.column("source_id"), sa.column("source"))
    for kind, source_id in conn.execute(sa.select(prices.c.source_kind, prices.c.source_id).distinct()).all():
        conn.execute(
            prices.update()
            .where(prices.c.source_kind == kind, prices.c.source_id == source_id, prices.c.source.is_(None))
            .values(source_kind="seed" if kind == "snapshot" else kind, source=_label(kind, source_id)[:200])
        )

    with op.batch_alter_table("changes") as batch:
        batch.alter_column("actor", existing_type=sa.String(length=200), nullable=False)
        batch.drop_column("actor_id")
        batch.drop_column("actor_kind")
    with op.batch_alter_table("prices") as batch:
        batch.alter_column("source", existing_type=sa.String(length=200), nullable=False)
        batch.drop_column("source_id")
