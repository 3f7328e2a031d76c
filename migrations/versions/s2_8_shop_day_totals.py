"""Per shop and business date, the live checklists' count, lateness and score sum (issue 8), back-filled.

Revision ID: s2_8_shop_day_totals
Revises: i8_ranking_indexes
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "s2_8_shop_day_totals"
down_revision = "i8_ranking_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shop_day_totals",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.Column("score_tenths", sa.Integer(), nullable=False),
        sa.Column("opening", sa.Integer(), nullable=False),
        sa.Column("closing", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_day_totals_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "business_date", name=op.f("pk_shop_day_totals")),
        sqlite_with_rowid=False,
    )
    # The checklists stored so far, summed as the app sums each new one (models/summary.py).
    op.execute(
        "INSERT INTO shop_day_totals (shop_id, business_date, submitted, late, score_tenths, opening, closing) "
        "SELECT shop_id, business_date, count(*), sum(CASE WHEN late THEN 1 ELSE 0 END), "
        "sum(CAST(round(coalesce(score, 0) * 10) AS INTEGER)), "
        "sum(CASE WHEN shift = 'opening' THEN 1 ELSE 0 END), sum(CASE WHEN shift = 'closing' THEN 1 ELSE 0 END) "
        "FROM submissions "
        "WHERE status <> 'sent_back' AND shift IN ('opening', 'closing') GROUP BY shop_id, business_date"
    )
    op.create_index(
        "ix_shop_day_totals_period",
        "shop_day_totals",
        ["business_date", "shop_id", "submitted", "late", "score_tenths", "opening", "closing"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_shop_day_totals_period", table_name="shop_day_totals")
    op.drop_table("shop_day_totals")
