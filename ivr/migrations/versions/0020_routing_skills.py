"""call queue: routing_agents carry each agent's skills (routing judges the agents it looks at from their list rows),
and routing_counts the available agents per skill (routing reads the rarest skill without counting a list)

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa

from callqueue.agent_lists import relist_all
from callqueue.sqltypes import Json

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('routing_agents', sa.Column('skills', Json, nullable=False, server_default=sa.text("'{}'")))
    op.create_table(
        'routing_counts',
        sa.Column('skill', sa.String(64), primary_key=True),
        sa.Column('agents', sa.Integer(), nullable=False),
    )
    # relist_all writes the model's columns as they are now: a later change to routing_agents takes this call over
    relist_all(op.get_bind())  # the agents available now (0019 left the lists to this step)


def downgrade() -> None:
    op.drop_table('routing_counts')
    with op.batch_alter_table('routing_agents') as batch:
        batch.drop_column('skills')
