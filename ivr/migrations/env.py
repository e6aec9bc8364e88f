"""Alembic environment: runs migrations on the engine handed over by ivr.db.upgrade."""
from alembic import context

import callqueue.tables  # noqa: F401  (registers its rows on the shared metadata)
import recordings.tables  # noqa: F401  (registers its rows on the shared metadata)
import callqueue.timer_lease  # noqa: F401  (registers its rows on the shared metadata)
from ivr.tables import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
