"""Alembic environment: the URL comes from nuanxin.settings (DATABASE_URL), never from alembic.ini."""
from __future__ import annotations

from alembic import context

from nuanxin import db
from nuanxin.models import Base

config = context.config
url = config.attributes.get("database_url")
connectable = db.engine(url)

with connectable.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table by copying it into a new one and dropping the old: with foreign keys enforced,
        # dropping a table others point at fails halfway. They are checked once the migration is done instead.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # the pragma only takes outside a transaction; the migrations open their own
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
