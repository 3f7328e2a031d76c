"""Rule versions allow N/A and record who made them; items record N/A (issue 11)

Revision ID: i11a_rules
Revises: i7_review
Create Date: 2026-12-01 18:54:25.034663

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11a_rules'
down_revision = 'i7_review'
branch_labels = None
depends_on = None

_CREATOR_FK = 'fk_rule_versions_created_by_id_users'


def upgrade():
    # Plain ADD COLUMN, never a batch rebuild: rebuilding a table that others reference
    # fails (or cascades deletes) on SQLite with foreign keys on.
    op.add_column('item_results', sa.Column('not_applicable', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('rule_versions', sa.Column('allow_na', sa.Boolean(), server_default=sa.false(), nullable=False))

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # A batch rebuild would drop rule_versions, which item_results reference: with
        # foreign keys on, SQLite refuses (or cascades). ADD COLUMN … REFERENCES keeps rows.
        if 'created_by_id' not in {c["name"] for c in sa.inspect(bind).get_columns('rule_versions')}:
            op.execute(
                f"ALTER TABLE rule_versions ADD COLUMN created_by_id INTEGER CONSTRAINT {_CREATOR_FK} REFERENCES users (id)"
            )
    else:
        op.add_column('rule_versions', sa.Column('created_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(_CREATOR_FK, 'rule_versions', 'users', ['created_by_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_CREATOR_FK, 'rule_versions', type_='foreignkey')
        op.drop_column('rule_versions', 'created_by_id')
    # On SQLite the unused nullable column stays: dropping it means rebuilding the table.
    with op.batch_alter_table('rule_versions', schema=None) as batch_op:
        batch_op.drop_column('allow_na')
    with op.batch_alter_table('item_results', schema=None) as batch_op:
        batch_op.drop_column('not_applicable')
