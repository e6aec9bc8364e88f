"""queue entries: when the caller's leg last asked the queue anything (tells live callers from ones who hung up unheard)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_entries') as batch:
        batch.add_column(sa.Column('last_request_at', UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('queue_entries') as batch:
        batch.drop_column('last_request_at')
