"""call queue: agents, queue entries, assignments

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ivr.tables import UtcDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('contact', sa.String(length=128), nullable=False),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_since', UtcDateTime(), nullable=True),
    sa.Column('idle_since', UtcDateTime(), nullable=True),
    sa.Column('calls_today', sa.Integer(), nullable=False),
    sa.Column('missed_calls', sa.Integer(), nullable=False),
    sa.Column('last_assigned_at', UtcDateTime(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('wrap_up_until', UtcDateTime(), nullable=True),
    sa.Column('updated_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agents_status'), ['status'], unique=False)

    op.create_table('queue_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=False),
    sa.Column('from_number', sa.String(length=64), nullable=False),
    sa.Column('node', sa.String(length=128), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('first_queue', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('whisper', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=64), nullable=True),
    sa.Column('agent_id', sa.String(length=64), nullable=True),
    sa.Column('enqueued_at', UtcDateTime(), nullable=False),
    sa.Column('queue_entered_at', UtcDateTime(), nullable=False),
    sa.Column('offered_at', UtcDateTime(), nullable=True),
    sa.Column('ring_due_at', UtcDateTime(), nullable=True),
    sa.Column('answered_at', UtcDateTime(), nullable=True),
    sa.Column('ended_at', UtcDateTime(), nullable=True),
    sa.Column('wait_seconds', sa.Float(), nullable=True),
    sa.Column('handle_seconds', sa.Float(), nullable=True),
    sa.Column('estimate_announced_s', sa.Float(), nullable=True),
    sa.Column('position_announced', sa.Integer(), nullable=True),
    sa.Column('wait_requests', sa.Integer(), nullable=False),
    sa.Column('offers', sa.Integer(), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('overflowed_from', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_entries_call_sid'), ['call_sid'], unique=False)
        batch_op.create_index('ix_queue_entries_line', ['status', 'priority', 'enqueued_at', 'id'], unique=False)
        batch_op.create_index('ix_queue_entries_queue_enqueued', ['queue', 'enqueued_at'], unique=False)

    op.create_table('queue_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('agent_id', sa.String(length=64), nullable=False),
    sa.Column('offered_at', UtcDateTime(), nullable=False),
    sa.Column('released_at', UtcDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('why', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['queue_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('queue_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_assignments_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_assignments_entry_id'), ['entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('queue_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_assignments_entry_id'))
        batch_op.drop_index(batch_op.f('ix_queue_assignments_agent_id'))

    op.drop_table('queue_assignments')
    with op.batch_alter_table('queue_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_entries_queue_enqueued')
        batch_op.drop_index('ix_queue_entries_line')
        batch_op.drop_index(batch_op.f('ix_queue_entries_call_sid'))

    op.drop_table('queue_entries')
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agents_status'))

    op.drop_table('agents')
