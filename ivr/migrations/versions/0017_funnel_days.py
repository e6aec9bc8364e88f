"""funnel days: the IVR funnel of each finished day per flow, node and exit, with duration buckets for the median

Revision ID: 0017
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0017'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'funnel_days',
        sa.Column('flow', sa.String(128), primary_key=True),
        sa.Column('day', sa.String(10), primary_key=True),
        sa.Column('node', sa.String(128), primary_key=True),
        sa.Column('exit', sa.String(64), primary_key=True),
        sa.Column('visits', sa.Integer(), nullable=False),
        sa.Column('chose', sa.Integer(), nullable=False),
        sa.Column('speech', sa.Integer(), nullable=False),
        sa.Column('confidence_sum', sa.Float(), nullable=False),
        sa.Column('heard', sa.Integer(), nullable=False),
    )
    op.create_table(
        'funnel_spans',
        sa.Column('flow', sa.String(128), primary_key=True),
        sa.Column('day', sa.String(10), primary_key=True),
        sa.Column('node', sa.String(128), primary_key=True),
        sa.Column('bucket', sa.Integer(), primary_key=True),
        sa.Column('visits', sa.Integer(), nullable=False),
    )
    op.create_table(
        'funnel_times',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('flow', sa.String(128), nullable=False),
        sa.Column('day', sa.String(10), nullable=False),
        sa.Column('node', sa.String(128), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
    )
    op.create_index('ix_funnel_times_bucket', 'funnel_times', ['flow', 'node', 'bucket', 'day', 'seconds'])
    op.create_index('ix_funnel_times_day', 'funnel_times', ['flow', 'day'])
    op.create_table(
        'funnel_summarised',
        sa.Column('flow', sa.String(128), primary_key=True),
        sa.Column('day', sa.String(10), primary_key=True),
        sa.Column('timezone', sa.String(64), nullable=False),
        sa.Column('rules', sa.Integer(), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('summarised_at', UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('funnel_summarised')
    op.drop_index('ix_funnel_times_day', table_name='funnel_times')
    op.drop_index('ix_funnel_times_bucket', table_name='funnel_times')
    op.drop_table('funnel_times')
    op.drop_table('funnel_spans')
    op.drop_table('funnel_days')
