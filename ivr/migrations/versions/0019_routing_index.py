"""call queue: routing_agents, the available agents by skill in every strategy's order (routing reads the top)

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

from callqueue.tables import AgentId
from ivr.tables import UtcDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_routing_agents_idle': ['skill', 'idle_at', 'agent_id'],
    'ix_routing_agents_calls': ['skill', 'calls_today', 'idle_at', 'agent_id'],
    'ix_routing_agents_assigned': ['skill', 'assigned_at', 'agent_id'],
    'ix_routing_agents_level': ['skill', 'rank', 'idle_at', 'agent_id'],
    'ix_routing_agents_agent': ['agent_id'],
}


def upgrade() -> None:
    op.create_table(
        'routing_agents',
        sa.Column('skill', sa.String(64), primary_key=True),
        sa.Column('agent_id', AgentId, primary_key=True),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('idle_at', UtcDateTime(), nullable=False),
        sa.Column('calls_today', sa.Integer(), nullable=False),
        sa.Column('assigned_at', UtcDateTime(), nullable=False),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, 'routing_agents', columns)
    # The agents available now are listed by 0020: relist_all writes the current table's columns, which 0020 adds to.


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='routing_agents')
    op.drop_table('routing_agents')
