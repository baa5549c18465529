"""one open hand-over ticket per person and channel

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN = "status IN ('open', 'assigned')"


def upgrade() -> None:
    # Earlier duplicates (before this rule) keep only their newest open ticket open.
    op.execute(sa.text(
        "UPDATE handoff_tickets SET status = 'closed' WHERE status IN ('open', 'assigned') AND id NOT IN "
        "(SELECT MAX(id) FROM handoff_tickets WHERE status IN ('open', 'assigned') GROUP BY channel, sender_id)"))
    op.create_index('uq_handoff_tickets_open_per_sender', 'handoff_tickets', ['channel', 'sender_id'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('uq_handoff_tickets_open_per_sender', table_name='handoff_tickets')
