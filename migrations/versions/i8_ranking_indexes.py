"""Indexes for rankings, trends and exports: a covering one by period, one by shop and date.

Revision ID: i8_ranking_indexes
Revises: i11a_guide
Create Date: 2026-12-01
"""

from alembic import op

revision = "i8_ranking_indexes"
down_revision = "i11a_guide"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_submissions_period",
        "submissions",
        ["business_date", "shop_id", "status", "shift", "late", "score"],
        unique=False,
    )
    op.create_index("ix_submissions_shop_date", "submissions", ["shop_id", "business_date"], unique=False)


def downgrade():
    op.drop_index("ix_submissions_shop_date", table_name="submissions")
    op.drop_index("ix_submissions_period", table_name="submissions")
