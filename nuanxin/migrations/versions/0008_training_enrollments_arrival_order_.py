"""training enrollments: arrival order, offers, reminders

Courses already loaded from knowledge/ get defaults for the new columns (the next load fills them). The sample
runs of the earlier knowledge/training.yml had fixed dates; they are deactivated here (nothing could be booked
before this revision) and the load creates the runs dated from the day instead. No code wrote enrollments before
this revision, so their new NOT NULL columns are added to an empty table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 15:45:42.696961
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD_SAMPLE_RUNS = ("ZB-101-2026-12A", "ZB-101-2026-12B", "AQ-201-2026-12A", "JJ-301-2026-12A", "JN-401-2026-12A")


def upgrade() -> None:
    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Integer(), nullable=False, server_default='120'))

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.String(length=128), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cost', sa.String(length=64), nullable=False, server_default=''))

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrival', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('name', sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=False))
        batch_op.add_column(sa.Column('consent_id', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False))
        batch_op.create_unique_constraint('uq_enrollments_session_arrival', ['session_id', 'arrival'])
        batch_op.create_foreign_key(batch_op.f('fk_enrollments_consent_id_consents'), 'consents', ['consent_id'],
                                    ['id'])

    runs = sa.table("course_sessions", sa.column("id", sa.String), sa.column("active", sa.Boolean))
    op.execute(runs.update().where(runs.c.id.in_(OLD_SAMPLE_RUNS)).values(active=False))



def downgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrollments_consent_id_consents'), type_='foreignkey')
        batch_op.drop_constraint('uq_enrollments_session_arrival', type_='unique')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('offer_expires_at')
        batch_op.drop_column('consent_id')
        batch_op.drop_column('phone')
        batch_op.drop_column('name')
        batch_op.drop_column('arrival')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('cost')
        batch_op.drop_column('topics')

    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.drop_column('minutes')

