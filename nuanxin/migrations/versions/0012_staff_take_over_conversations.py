"""staff take over conversations

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 21:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
    op.create_table('handoff_messages',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('ticket_id', sa.Integer(), nullable=False),
                    sa.Column('author', sa.String(length=64), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('nonce', sa.String(length=64), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['ticket_id'], ['handoff_tickets.id'],
                                            name=op.f('fk_handoff_messages_ticket_id_handoff_tickets')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_messages')),
                    sa.UniqueConstraint('nonce', name=op.f('uq_handoff_messages_nonce')))
    op.create_index(op.f('ix_handoff_messages_ticket_id'), 'handoff_messages', ['ticket_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_handoff_messages_ticket_id'), table_name='handoff_messages')
    op.drop_table('handoff_messages')
    with op.batch_alter_table('handoff_tickets', schema=None) as batch_op:
        batch_op.drop_column('outcome')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('taken_at')
