"""A full dump of every table in a database: the rows of each, in a stable order, for tests that
prove something changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, MetaData, select


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """{table: sorted rows} for every table there is, Alembic's included."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            rows = [tuple(r) for r in conn.execute(select(table))]
            out[table.name] = sorted(rows, key=repr)
    return out
