"""Alembic environment: runs migrations on the engine handed over by ivr.db.upgrade."""
from alembic import context

import callqueue.timer_lease  # noqa: F401  (registers the timer lease on the call queue's metadata)
from callqueue.tables import Base as QueueBase
from ivr.tables import Base as CallBase
from recordings.tables import Base as RecordingBase

# Each package keeps its own metadata; no foreign key crosses from one to another.
TARGET_METADATA = [CallBase.metadata, QueueBase.metadata, RecordingBase.metadata]

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=TARGET_METADATA, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
