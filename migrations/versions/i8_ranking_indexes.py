"""Indexes for rankings, trends and exports: live checklists covered by shop and date, and by shop and date.

Revision ID: i8_ranking_indexes
Revises: i10_evidence
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "i8_ranking_indexes"
down_revision = "i10_evidence"
branch_labels = None
depends_on = None


def upgrade():
    live = sa.text("status <> 'sent_back'")
    op.create_index(
        "ix_submissions_live_period",
        "submissions",
        ["shop_id", "shift", "business_date", "late", "score"],
        unique=False,
        sqlite_where=live,
        postgresql_where=live,
    )
    op.create_index("ix_submissions_shop_date", "submissions", ["shop_id", "business_date"], unique=False)


def downgrade():
    op.drop_index("ix_submissions_shop_date", table_name="submissions")
    op.drop_index("ix_submissions_live_period", table_name="submissions")
