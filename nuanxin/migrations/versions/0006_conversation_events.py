"""conversation memory: Rasa's tracker store events in the project's database

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 14:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('type_name', sa.String(length=255), nullable=False),
    sa.Column('timestamp', sa.Float(), nullable=True),
    sa.Column('intent_name', sa.String(length=255), nullable=True),
    sa.Column('action_name', sa.String(length=255), nullable=True),
    sa.Column('data', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_index(op.f('ix_events_sender_id'), 'events', ['sender_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_events_sender_id'), table_name='events')
    op.drop_table('events')
