"""Alembic environment: runs migrations on the engine handed over by ivr.db.upgrade."""
from alembic import context

from ivr.schema import table_metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=table_metadata(), render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
