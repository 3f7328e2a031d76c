"""shops.size_set: each shop's sizes, smallest first, for the phone and the size order check

Existing shops get the sizes the phone offered every shop before (XS–3XL and free size).

Revision ID: s2_9_shop_size_sets
Revises: s2_11_shop_closed_on
Create Date: 2026-12-01 22:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "s2_9_shop_size_sets"
down_revision = "s2_11_shop_closed_on"
branch_labels = None
depends_on = None

DEFAULT = "XS,S,M,L,XL,XXL,3XL,F"


def upgrade():
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size_set", sa.String(length=1000), nullable=False, server_default=DEFAULT))


def downgrade():
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("size_set")
