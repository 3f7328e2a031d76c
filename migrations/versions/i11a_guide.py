"""The guide's rulebook in full (issue 11): 18 rules, visit shifts, N/A, warm_to_cold, as new versions

Revision ID: i11a_guide
Revises: i11a_rules
Create Date: 2026-12-01 19:00:00

Every rule already in the database gets a new version only where this state differs from
its latest one: the numbers it has keep their values (a key it lacks, like
``warm_to_cold``, is added with the guide's default), shifts, titles and N/A come from
the guide. The guide's new rules (window_promo, featured_style, storefront, pop_layout)
are added, and positions follow display-rules.md, with any rule not from the guide after
them. Stored items point at the versions they were scored with, so no score moves. An
empty rulebook is left alone: ``init-db`` installs the whole guide. The rulebook below is
a frozen copy of merch/rulebook.py at this revision, so later edits there cannot change
what this revision did.
"""
from alembic import op
import sqlalchemy as sa

from merch.clock import utcnow
import merch.models.types


# revision identifiers, used by Alembic.
revision = 'i11a_guide'
down_revision = 'i11a_rules'
branch_labels = None
depends_on = None

GUIDE = [{'key': 'stack_count',
  'area': 'folded',
  'kind': 'stack_count',
  'params': {'thin': [4, 6], 'thick': [3, 4]},
  'weight': 2,
  'photo_required': True,
  'shifts': ['opening', 'closing', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Unpack before folding: thin garments {thin} pieces a stack, thick garments {thick}',
             'zh-Hant': '疊裝要拆包裝：薄款每疊 {thin} 件，厚款每疊 {thick} 件',
             'zh-Hans': '叠装要拆包装：薄款每叠 {thin} 件，厚款每叠 {thick} 件'}},
 {'key': 'folded_size_order',
  'area': 'folded',
  'kind': 'size_order',
  'params': {'direction': 'descending'},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'In each stack, sizes run from top to bottom, large to small',
             'zh-Hant': '每疊尺碼自上而下，由大到小',
             'zh-Hans': '每叠尺码自上而下，由大到小'}},
 {'key': 'folded_colour_order',
  'area': 'folded',
  'kind': 'colour_order',
  'params': {'direction': 'light_to_dark', 'tolerance': 5, 'warm_to_cold': False},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Colours run from outside to inside: light to dark, warm to cold, bright to dark',
             'zh-Hant': '顏色由外到內：由淺至深、由暖至冷、由明至暗',
             'zh-Hans': '颜色由外到内：由浅至深、由暖至冷、由明至暗'}},
 {'key': 'folded_grouping',
  'area': 'folded',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Same season, same type and same series are shown together',
             'zh-Hant': '同季、同類、同系列的貨品陳列在同一區域',
             'zh-Hans': '同季、同类、同系列的货品陈列在同一区域'}},
 {'key': 'folded_mannequin',
  'area': 'folded',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': True,
  'titles': {'en': 'A mannequin by the folded table wears a style from it, with its POP',
             'zh-Hant': '疊裝區附近的模特兒展示疊裝中的代表款式，並配 POP',
             'zh-Hans': '叠装区附近的模特展示叠装中的代表款式，并配 POP'}},
 {'key': 'hang_count',
  'area': 'hanging',
  'kind': 'count_range',
  'params': {'min': 2, 'max': 4},
  'weight': 2,
  'photo_required': True,
  'shifts': ['opening', 'closing', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Each style hangs at least {min} consecutive pieces, usually no more than {max}',
             'zh-Hant': '每款至少連續掛 {min} 件，一般不超過 {max} 件',
             'zh-Hans': '每款至少连续挂 {min} 件，一般不超过 {max} 件'}},
 {'key': 'hanging_size_order',
  'area': 'hanging',
  'kind': 'size_order',
  'params': {'direction': 'ascending'},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'On each rail, front to back and left to right, small sizes to large',
             'zh-Hant': '每條掛通自前向後、自左向右，由小碼至大碼',
             'zh-Hans': '每条挂通自前向后、自左向右，由小码至大码'}},
 {'key': 'hanging_colour_order',
  'area': 'hanging',
  'kind': 'colour_order',
  'params': {'direction': 'light_to_dark', 'tolerance': 5, 'warm_to_cold': False},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Front-facing and side rails, each on its own: outside to inside, front to back, light to '
                   'dark',
             'zh-Hant': '正掛與側掛各自：從外到內、從前到後，由淺到深、由明至暗',
             'zh-Hans': '正挂与侧挂各自：从外到内、从前到后，由浅到深、由明至暗'}},
 {'key': 'same_hanger',
  'area': 'hanging',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': False,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'One series uses one kind of hanger',
             'zh-Hant': '同一系列的貨品使用同一種衣架',
             'zh-Hans': '同一系列的货品使用同一种衣架'}},
 {'key': 'hanging_tidy',
  'area': 'hanging',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'closing', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Hung garments are clean, with no creases',
             'zh-Hant': '掛裝保持整潔，無摺痕',
             'zh-Hans': '挂装保持整洁，无折痕'}},
 {'key': 'window_refresh',
  'area': 'window',
  'kind': 'refresh',
  'params': {'max_days': 3},
  'weight': 2,
  'photo_required': True,
  'shifts': ['opening'],
  'allow_na': False,
  'titles': {'en': 'Window mannequins get a new outfit at least every {max_days} days',
             'zh-Hant': '櫥窗模特兒至少每 {max_days} 天換一次裝',
             'zh-Hans': '橱窗模特至少每 {max_days} 天换一次装'}},
 {'key': 'window_clean',
  'area': 'window',
  'kind': 'yes_no',
  'params': {},
  'weight': 2,
  'photo_required': True,
  'shifts': ['opening', 'closing', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Window clothes are clean and tidy', 'zh-Hant': '櫥窗衣物清潔、整齊', 'zh-Hans': '橱窗衣物清洁、整齐'}},
 {'key': 'window_promo',
  'area': 'window',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'closing', 'visit'],
  'allow_na': False,
  'titles': {'en': 'The promotion boards in the window stand where they should',
             'zh-Hant': '櫥窗推廣宣傳牌位置妥當',
             'zh-Hans': '橱窗推广宣传牌位置妥当'}},
 {'key': 'window_seasonal',
  'area': 'window',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'Only in-season items in the window, nothing out of date or out of fashion',
             'zh-Hant': '櫥窗只陳列當季貨品，不放過季或過時的款式',
             'zh-Hans': '橱窗只陈列当季货品，不放过季或过时的款式'}},
 {'key': 'focal_point',
  'area': 'focal',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': False,
  'shifts': ['opening', 'visit'],
  'allow_na': False,
  'titles': {'en': 'A focal point at or above eye level: the logo wall behind the till, strong-contrast POP',
             'zh-Hant': '焦點位於視平線或以上：收銀台後的形象標誌牌、色彩對比強烈的 POP',
             'zh-Hans': '焦点位于视平线或以上：收银台后的形象标志牌、色彩对比强烈的 POP'}},
 {'key': 'featured_style',
  'area': 'focal',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': False,
  'shifts': ['opening', 'visit'],
  'allow_na': True,
  'titles': {'en': 'A key or new style is shown several ways at once (mannequin, front-facing hang, outfit)',
             'zh-Hant': '重點款或新款同時以多種方式出樣（模特兒、正掛、配搭），形成重複效應',
             'zh-Hans': '重点款或新款同时以多种方式出样（模特、正挂、配搭），形成重复效应'}},
 {'key': 'storefront',
  'area': 'storefront',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['visit'],
  'allow_na': False,
  'titles': {'en': 'Signboard and image wall are clean, lit and undamaged',
             'zh-Hant': '門頭招牌與形象牆清潔、明亮、無損壞',
             'zh-Hans': '门头招牌与形象墙清洁、明亮、无损坏'}},
 {'key': 'pop_layout',
  'area': 'storefront',
  'kind': 'yes_no',
  'params': {},
  'weight': 1,
  'photo_required': True,
  'shifts': ['visit'],
  'allow_na': False,
  'titles': {'en': 'POP, posters and leaflets are current and placed as the brand plans',
             'zh-Hant': 'POP、海報與宣傳單張為當期，並按品牌規劃佈置',
             'zh-Hans': 'POP、海报与宣传单张为当期，并按品牌规划布置'}}]


_rules = sa.table(
    "rules",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("area", sa.String),
    sa.column("kind", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
)
_versions = sa.table(
    "rule_versions",
    sa.column("id", sa.Integer),
    sa.column("rule_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("params", sa.JSON),
    sa.column("weight", sa.Integer),
    sa.column("photo_required", sa.Boolean),
    sa.column("shifts", sa.JSON),
    sa.column("titles", sa.JSON),
    sa.column("allow_na", sa.Boolean),
    sa.column("created_at", merch.models.types.UTCDateTime()),
    sa.column("created_by_id", sa.Integer),
)
_STATE = ("params", "weight", "photo_required", "shifts", "titles", "allow_na")


def _latest(connection, rule_id):
    return connection.execute(
        sa.select(_versions).where(_versions.c.rule_id == rule_id).order_by(_versions.c.version.desc()).limit(1)
    ).mappings().first()


def upgrade():
    connection = op.get_bind()
    existing = {row.key: row for row in connection.execute(sa.select(_rules.c.id, _rules.c.key, _rules.c.position))}
    if not existing:
        return
    now = utcnow()
    guide_keys = [seed["key"] for seed in GUIDE]
    for position, seed in enumerate(GUIDE):
        state = {name: seed[name] for name in _STATE}
        row = existing.get(seed["key"])
        if row is None:
            rule_id = connection.execute(
                sa.insert(_rules)
                .values(key=seed["key"], area=seed["area"], kind=seed["kind"], position=position, active=True)
                .returning(_rules.c.id)
            ).scalar_one()
            connection.execute(sa.insert(_versions).values(rule_id=rule_id, version=1, created_at=now, **state))
            continue
        connection.execute(sa.update(_rules).where(_rules.c.id == row.id).values(position=position))
        latest = _latest(connection, row.id)
        if latest is None:
            connection.execute(sa.insert(_versions).values(rule_id=row.id, version=1, created_at=now, **state))
            continue
        # The numbers a shop is scored with stay as they are; only missing ones are added.
        state["params"] = {**seed["params"], **(latest["params"] or {})}
        state["weight"] = latest["weight"]
        state["photo_required"] = latest["photo_required"]
        if all(state[name] == latest[name] for name in _STATE):
            continue
        connection.execute(
            sa.insert(_versions).values(rule_id=row.id, version=latest["version"] + 1, created_at=now, **state)
        )
    others = sorted((row.position, row.id) for key, row in existing.items() if key not in guide_keys)
    for offset, (_, rule_id) in enumerate(others):
        connection.execute(sa.update(_rules).where(_rules.c.id == rule_id).values(position=len(GUIDE) + offset))


def downgrade():
    # Versions are history that submissions point at: they stay. Older code reads them
    # (the extra rules and the visit shift are simply not on its checklists).
    pass
