"""city sentinel reports (tickets, followers, grid members) and the points ledger as the only balance

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 13:14:54

The balance moves from people.points_balance to the ledger: each line has a per-person `seq` (unique) and a
`balance_after` that may not go below zero, so racing spends cannot both be written. Rows written before this
revision get values that keep them unique (their id) rather than invented history.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grid_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('street_id', sa.String(length=8), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_grid_members_consent_id_consents')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_grid_members_person_id_people')),
    sa.ForeignKeyConstraint(['street_id'], ['streets.id'], name=op.f('fk_grid_members_street_id_streets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_members')),
    sa.UniqueConstraint('person_id', name=op.f('uq_grid_members_person_id'))
    )
    op.create_table('report_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_report_followers_person_id_people')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_followers_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_followers')),
    sa.UniqueConstraint('report_id', 'person_id', name='uq_report_followers_report_person')
    )
    op.create_index(op.f('ix_report_followers_person_id'), 'report_followers', ['person_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_people_points_not_negative'), type_='check')
        batch_op.drop_column('points_balance')

    with op.batch_alter_table('points_ledger', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE points_ledger SET seq = id"))
    with op.batch_alter_table('points_ledger', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_points_ledger_person_seq', ['person_id', 'seq'])
        batch_op.create_check_constraint('balance_not_negative', 'balance_after >= 0')

    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('used_by', sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE redemptions SET code = 'OLD' || id, request_key = 'old-' || id, status = 'issued' "
                       "WHERE code IS NULL"))
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column('request_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_redemptions_code'), ['code'])
        batch_op.create_unique_constraint(batch_op.f('uq_redemptions_request_key'), ['request_key'])

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('by_grid_member', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirmations', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('fix_asked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE reports SET ticket = 'SB-OLD-' || id, updated_at = created_at, "
                       "status = CASE WHEN status = 'submitted' THEN 'pending' ELSE status END"))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('ticket', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_reports_ticket'), ['ticket'])
        batch_op.create_foreign_key(batch_op.f('fk_reports_duplicate_of_id_reports'), 'reports',
                                    ['duplicate_of_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_duplicate_of_id_reports'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_reports_ticket'), type_='unique')
        for column in ('updated_at', 'fix_asked_at', 'held', 'duplicate_of_id', 'confirmations', 'by_grid_member',
                       'ticket'):
            batch_op.drop_column(column)

    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_redemptions_request_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_redemptions_code'), type_='unique')
        for column in ('used_by', 'used_at', 'request_key', 'code'):
            batch_op.drop_column(column)

    with op.batch_alter_table('points_ledger', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_points_ledger_balance_not_negative'), type_='check')
        batch_op.drop_constraint('uq_points_ledger_person_seq', type_='unique')
        batch_op.drop_column('seq')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points_balance', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_check_constraint('points_not_negative', 'points_balance >= 0')

    op.drop_index(op.f('ix_report_followers_person_id'), table_name='report_followers')
    op.drop_table('report_followers')
    op.drop_table('grid_members')
