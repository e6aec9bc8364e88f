"""call queue: routing_agents carry each agent's skills, so routing judges the agents it looks at from their list rows

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
    # relist_all writes the model's columns as they are now: a later change to routing_agents takes this call over
    relist_all(op.get_bind())  # the agents available now (0019 left the lists to this step)


def downgrade() -> None:
    with op.batch_alter_table('routing_agents') as batch:
        batch.drop_column('skills')
