"""Shops keep the date they closed: no checklist is due on or after it (issue 11)

Revision ID: s2_11_shop_closed_on
Revises: s2_8_shop_day_totals
Create Date: 2026-12-01 23:00:00

Shops made inactive before this revision get the business date (in their own time zone)
of their latest "shop.deactivate" audit entry; one without such an entry keeps no date and
is treated as before (closed from today on).
"""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from merch.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "s2_11_shop_closed_on"
down_revision = "s2_8_shop_day_totals"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy): recreating `shops` would trip the foreign keys
    # that point at it.
    op.add_column("shops", sa.Column("closed_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    shops = sa.table(
        "shops", sa.column("id"), sa.column("code"), sa.column("timezone"), sa.column("active"), sa.column("closed_on")
    )
    audit = sa.table(
        "audit_entries", sa.column("at", UTCDateTime()), sa.column("action"), sa.column("target_type"), sa.column("target")
    )
    closed = sa.select(shops.c.id, shops.c.code, shops.c.timezone).where(shops.c.active.is_(False))
    for shop_id, code, timezone in bind.execute(closed).all():
        at = bind.execute(
            sa.select(sa.func.max(audit.c.at)).where(
                audit.c.action == "shop.deactivate", audit.c.target_type == "shop", audit.c.target == code
            )
        ).scalar()
        if at is None:
            continue
        day = at.astimezone(ZoneInfo(timezone)).date()
        bind.execute(shops.update().where(shops.c.id == shop_id).values(closed_on=day))


def downgrade():
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
