"""Alembic environment: migrates SQLModel.metadata.

Works on SQLite (batch mode) and PostgreSQL."""

from alembic import context

from tracker import models
from tracker.db import make_engine

config = context.config
target_metadata = models.metadata


def run_migrations(connection) -> None:
    """Configure Alembic on an open connection and run the migrations.

    The migrations run in one transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations online.

    Use the connection handed over by tracker.db, else build an engine from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.begin() as connection:
        run_migrations(connection)


if context.is_offline_mode():
    raise SystemExit("tracker migrations run online only: set DATABASE_URL and upgrade")
run_migrations_online()
