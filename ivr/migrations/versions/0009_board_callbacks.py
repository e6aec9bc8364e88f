"""board: call-backs placed to callers who hung up while waiting

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'callbacks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(64), nullable=False),
        sa.Column('queue', sa.String(64), nullable=False),
        sa.Column('target', sa.String(16), nullable=False),
        sa.Column('agent_id', sa.String(64), nullable=True),
        sa.Column('requested_by', sa.String(128), nullable=False),
        sa.Column('requested_at', UtcDateTime(), nullable=False),
        sa.Column('call_sid', sa.String(64), nullable=True, unique=True),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('updated_at', UtcDateTime(), nullable=False),
        sa.Column('new_entry_id', sa.Integer(), nullable=True),
    )
    op.create_index('ix_callbacks_entry', 'callbacks', ['entry_id'])


def downgrade() -> None:
    op.drop_index('ix_callbacks_entry', table_name='callbacks')
    op.drop_table('callbacks')
