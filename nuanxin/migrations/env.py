"""Alembic environment: the URL comes from nuanxin.settings (DATABASE_URL), never from alembic.ini."""
from __future__ import annotations

from alembic import context

from nuanxin import db
from nuanxin.models import Base

config = context.config
url = config.attributes.get("database_url")
connectable = db.engine(url)

with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
