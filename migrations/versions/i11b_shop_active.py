"""Shops can be made inactive (closed): no checklists due from then, staff cannot submit

Revision ID: i11b_shop_active
Revises: 0002
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11b_shop_active'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy): SQLite can add a NOT NULL column with a constant
    # default in place, and recreating `shops` would trip the foreign keys that point at it.
    op.add_column('shops', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('shops', schema=None) as batch_op:
        batch_op.drop_column('active')
