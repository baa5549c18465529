"""union applications: who applies (name, phone, ID as salted hash and masked), trade, street, consent, decision

No code wrote this table before this revision (the capability answered "coming soon"), so the new NOT NULL
columns are added to an empty table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 14:27:56.177554
"""
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('union_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=False))
        batch_op.add_column(sa.Column('name', sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column('id_hash', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('id_masked', sa.String(length=18), nullable=False))
        batch_op.add_column(sa.Column('occupation', sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column('street_id', sa.String(length=8), nullable=False))
        batch_op.add_column(sa.Column('consent_id', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_union_applications_id_hash'), ['id_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_union_applications_phone'), ['phone'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_union_applications_reference'), ['reference'])
        batch_op.create_foreign_key(batch_op.f('fk_union_applications_consent_id_consents'), 'consents',
                                    ['consent_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_union_applications_street_id_streets'), 'streets',
                                    ['street_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('union_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_union_applications_street_id_streets'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_union_applications_consent_id_consents'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_union_applications_reference'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_union_applications_phone'))
        batch_op.drop_index(batch_op.f('ix_union_applications_id_hash'))
        batch_op.drop_column('decided_by')
        batch_op.drop_column('reason')
        batch_op.drop_column('consent_id')
        batch_op.drop_column('street_id')
        batch_op.drop_column('occupation')
        batch_op.drop_column('id_masked')
        batch_op.drop_column('id_hash')
        batch_op.drop_column('phone')
        batch_op.drop_column('name')
        batch_op.drop_column('reference')

