"""The catalog's version query names its tables as plain text (a cold CLI loads no ORM to ask it):
they are the ORM's tables."""

from bot.store.tables import Base
from bot.store.version import TABLES


def test_the_version_reads_tables_the_orm_has() -> None:
    assert set(TABLES) <= set(Base.metadata.tables)
