"""policy questions and unanswered questions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 18:23:57.495142
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unanswered_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('best_unit_id', sa.String(length=32), nullable=True),
    sa.Column('best_confidence', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unanswered_questions'))
    )
    with op.batch_alter_table('policy_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.Text(), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('policy_units', schema=None) as batch_op:
        batch_op.drop_column('questions')

    op.drop_table('unanswered_questions')
