"""recording capture and download: source, channels, pause state, download due times, checksum, store key

Revision ID: 0012
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

from callqueue.sqltypes import UtcDateTime

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS = (
    ('source', lambda: sa.Column('source', sa.String(32), nullable=False, server_default='')),
    ('channels', lambda: sa.Column('channels', sa.Integer(), nullable=False, server_default='1')),
    ('capture', lambda: sa.Column('capture', sa.String(16), nullable=False, server_default='')),
    ('download_state', lambda: sa.Column('download_state', sa.String(16), nullable=False, server_default='')),
    ('download_attempts', lambda: sa.Column('download_attempts', sa.Integer(), nullable=False, server_default='0')),
    ('next_attempt_at', lambda: sa.Column('next_attempt_at', UtcDateTime(), nullable=True)),
    ('claimed_by', lambda: sa.Column('claimed_by', sa.String(128), nullable=False, server_default='')),
    ('claimed_until', lambda: sa.Column('claimed_until', UtcDateTime(), nullable=True)),
    ('download_error', lambda: sa.Column('download_error', sa.String(255), nullable=False, server_default='')),
    ('store_key', lambda: sa.Column('store_key', sa.String(512), nullable=False, server_default='')),
    ('sha256', lambda: sa.Column('sha256', sa.String(64), nullable=False, server_default='')),
    ('size_bytes', lambda: sa.Column('size_bytes', sa.Integer(), nullable=False, server_default='0')),
    ('downloaded_at', lambda: sa.Column('downloaded_at', UtcDateTime(), nullable=True)),
    ('twilio_deleted_at', lambda: sa.Column('twilio_deleted_at', UtcDateTime(), nullable=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('recordings') as batch:
        for _name, column in COLUMNS:
            batch.add_column(column())
    op.create_index('ix_recordings_download_due', 'recordings', ['download_state', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_recordings_download_due', table_name='recordings')
    with op.batch_alter_table('recordings') as batch:
        for name, _column in reversed(COLUMNS):
            batch.drop_column(name)
