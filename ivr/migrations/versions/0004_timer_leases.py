"""timer leases: which process runs the queue's timers, and its last pass

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timer_leases',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('expires_at', UtcDateTime(), nullable=False),
    sa.Column('last_pass_at', UtcDateTime(), nullable=True),
    sa.Column('last_pass_by', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('timer_leases')
