"""recordings: transcripts, retention hold and the voicemail inbox

Revision ID: 0013
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

from ivr.tables import UtcDateTime

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = (
    ('transcript', lambda: sa.Column('transcript', sa.Text(), nullable=False, server_default='')),
    ('transcript_language', lambda: sa.Column('transcript_language', sa.String(16), nullable=False, server_default='')),
    ('transcript_confidence', lambda: sa.Column('transcript_confidence', sa.Float(), nullable=True)),
    ('transcribed_at', lambda: sa.Column('transcribed_at', UtcDateTime(), nullable=True)),
    ('transcribe_tries', lambda: sa.Column('transcribe_tries', sa.Integer(), nullable=False, server_default='0')),
    ('transcribe_after', lambda: sa.Column('transcribe_after', UtcDateTime(), nullable=True)),
    ('transcribe_error', lambda: sa.Column('transcribe_error', sa.String(256), nullable=False, server_default='')),
    ('legal_hold', lambda: sa.Column('legal_hold', sa.Boolean(), nullable=False, server_default=sa.false())),
    ('assigned_to', lambda: sa.Column('assigned_to', sa.String(64), nullable=True)),
    ('handled_by', lambda: sa.Column('handled_by', sa.String(64), nullable=True)),
    ('handled_at', lambda: sa.Column('handled_at', UtcDateTime(), nullable=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('recordings') as batch:
        for _name, column in COLUMNS:
            batch.add_column(column())
    op.create_index('ix_recordings_kind_created', 'recordings', ['kind', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_recordings_kind_created', table_name='recordings')
    with op.batch_alter_table('recordings') as batch:
        for name, _column in reversed(COLUMNS):
            batch.drop_column(name)
