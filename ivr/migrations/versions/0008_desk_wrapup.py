"""the agent desk: wrap-up (disposition, notes, follow-up) on queue entries and calls, break reasons, the
agents' status log, and the indexes the caller card and an agent's day read by

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

WRAP_UP = ('disposition', 'notes', 'follow_up', 'wrapped_by', 'wrapped_at')


def _wrap_up_columns() -> list[sa.Column]:
    return [sa.Column('disposition', sa.String(32), nullable=True), sa.Column('notes', sa.Text(), nullable=True),
            sa.Column('follow_up', sa.Boolean(), nullable=True), sa.Column('wrapped_by', sa.String(64), nullable=True),
            sa.Column('wrapped_at', UtcDateTime(), nullable=True)]


def upgrade() -> None:
    for table in ('queue_entries', 'calls'):
        with op.batch_alter_table(table) as batch:
            for column in _wrap_up_columns():
                batch.add_column(column)
    with op.batch_alter_table('agents') as batch:
        batch.add_column(sa.Column('status_reason', sa.String(32), nullable=True))
    op.create_table(
        'agent_status_log',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('agent_id', sa.String(64), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('reason', sa.String(32), nullable=True),
        sa.Column('at', UtcDateTime(), nullable=False),
    )
    op.create_index('ix_agent_status_log_agent_at', 'agent_status_log', ['agent_id', 'at'])
    op.create_index('ix_calls_from_number_started', 'calls', ['from_number', 'started_at'])
    op.create_index('ix_queue_entries_agent_answered', 'queue_entries', ['agent_id', 'answered_at'])


def downgrade() -> None:
    op.drop_index('ix_queue_entries_agent_answered', table_name='queue_entries')
    op.drop_index('ix_calls_from_number_started', table_name='calls')
    op.drop_index('ix_agent_status_log_agent_at', table_name='agent_status_log')
    op.drop_table('agent_status_log')
    with op.batch_alter_table('agents') as batch:
        batch.drop_column('status_reason')
    for table in ('calls', 'queue_entries'):
        with op.batch_alter_table(table) as batch:
            for name in WRAP_UP:
                batch.drop_column(name)
