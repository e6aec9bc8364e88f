"""callbacks keeping the place, returning callers: callback and resume columns on queue_entries

Revision ID: 0011
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from callqueue.sqltypes import UtcDateTime

revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('queue_entries') as batch:
        batch.add_column(sa.Column('callback_number', sa.String(32), nullable=False, server_default=''))
        batch.add_column(sa.Column('callback_from', sa.String(64), nullable=False, server_default=''))
        batch.add_column(sa.Column('callback_due_at', UtcDateTime(), nullable=True))
        batch.add_column(sa.Column('callback_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('callback_call_sid', sa.String(64), nullable=False, server_default=''))
        batch.add_column(sa.Column('callback_picked_at', UtcDateTime(), nullable=True))
        batch.add_column(sa.Column('resumed_from', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('resumed_by', sa.Integer(), nullable=True))
    op.create_index('ix_queue_entries_from_ended', 'queue_entries', ['from_number', 'ended_at'])


def downgrade() -> None:
    op.drop_index('ix_queue_entries_from_ended', table_name='queue_entries')
    with op.batch_alter_table('queue_entries') as batch:
        for name in ('resumed_by', 'resumed_from', 'callback_picked_at', 'callback_call_sid', 'callback_attempts',
                     'callback_due_at', 'callback_from', 'callback_number'):
            batch.drop_column(name)
