"""funnel indexes: a flow's calls by start time, and each call's events in order (the IVR funnel's queries)

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_calls_flow_name_started_at', 'calls', ['flow_name', 'started_at'])
    op.create_index('ix_call_events_call_id_id', 'call_events', ['call_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_call_events_call_id_id', table_name='call_events')
    op.drop_index('ix_calls_flow_name_started_at', table_name='calls')
