"""attendance at training runs, Open311 api keys and media addresses

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attended', sa.Boolean(), nullable=True))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media_url', sa.String(length=512), nullable=True))
    op.create_table('open311_keys',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('system', sa.String(length=64), nullable=False),
                    sa.Column('key_hash', sa.String(length=64), nullable=False),
                    sa.Column('active', sa.Boolean(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_keys')),
                    sa.UniqueConstraint('key_hash', name=op.f('uq_open311_keys_key_hash')),
                    sa.UniqueConstraint('system', name=op.f('uq_open311_keys_system')))


def downgrade() -> None:
    op.drop_table('open311_keys')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('media_url')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('attended')
