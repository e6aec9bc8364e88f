"""live events: one row per change open pages should hear of (the desk's and the board's event stream)

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('live_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('audience', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    op.create_index('ix_live_events_at', 'live_events', ['at'])
    op.create_index('ix_live_events_audience_id', 'live_events', ['audience', 'id'])


def downgrade() -> None:
    op.drop_index('ix_live_events_audience_id', table_name='live_events')
    op.drop_index('ix_live_events_at', table_name='live_events')
    op.drop_table('live_events')
