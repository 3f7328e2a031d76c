"""The database schema belongs to the migrations in ``migrations/`` (Flask-Migrate/Alembic)."""

from __future__ import annotations

import flask_migrate
from sqlalchemy import inspect

from merch.extensions import db

# The first revision: the schema the core loop made with create_all before migrations.
BASELINE_REVISION = "0001"


def upgrade_schema() -> None:
    """Bring the database to the newest revision.

    A database made by the core loop's ``create_all`` (tables but no ``alembic_version``)
    is stamped as the baseline first, so it upgrades instead of failing on existing tables.
    """
    tables = set(inspect(db.engine).get_table_names())
    if "alembic_version" not in tables and "areas" in tables:
        flask_migrate.stamp(revision=BASELINE_REVISION)
    flask_migrate.upgrade()
