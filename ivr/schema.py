"""Every package's table metadata in one list: what Alembic's env compares the migrations with.

ivr, callqueue and recordings each declare their own tables on their own metadata (so none imports another
for a base class); no foreign key crosses from one metadata to another.
"""
from __future__ import annotations

from sqlalchemy import MetaData


def table_metadata() -> list[MetaData]:
    """The metadata of the calls, the call queue (with the timer lease), the recordings, the accounts, the live feed
    and the board."""
    import callqueue.timer_lease  # noqa: F401  (declares the timer lease on the call queue's metadata)
    from callqueue.tables import Base as QueueBase
    from recordings.tables import Base as RecordingBase

    from .accounts.tables import Base as AccountBase
    from .board.tables import Base as BoardBase
    from .live.tables import Base as LiveBase
    from .tables import Base as CallBase

    return [CallBase.metadata, QueueBase.metadata, RecordingBase.metadata, AccountBase.metadata, LiveBase.metadata,
            BoardBase.metadata]
