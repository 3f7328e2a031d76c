"""Partial index of the items that mark a window change (the board's and scoring's last change)

The board read every item of a year of checklists to find each shop's last window change
(100 ms for an area of 20 shops on SQLite); with this index it looks back shop by shop and
reads only the items that mark a change.

Revision ID: s2_8b_window_change_index
Revises: s2_9_shop_size_sets
Create Date: 2026-12-07 14:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "s2_8b_window_change_index"
down_revision = "s2_9_shop_size_sets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_item_results_window_changes",
        "item_results",
        ["submission_id"],
        unique=False,
        sqlite_where=sa.text("marks_change IS 1"),
        postgresql_where=sa.text("marks_change IS true"),
    )


def downgrade():
    op.drop_index("ix_item_results_window_changes", table_name="item_results")
