"""The brand guide's rulebook as data: every rule as display-rules.md states it, in order.

Source: ../shared/seeds/merchandising-guide.zh-Hant.txt (服裝陳列), restated in
display-rules.md. A new database gets these as each rule's first version; a database made
before a change gets it as a new version from a migration, so stored scores never move.
Titles are templates: ``{thin}``-style fields are filled from the version's params so a
title never contradicts the numbers it is scored with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OPENING = "opening"
CLOSING = "closing"
# A supervisor's visit (巡場): never due, never missed, not ranked (display-rules.md).
VISIT = "visit"
# The two checklists a shop owes every day.
SHIFTS = (OPENING, CLOSING)
# Every shift a rule can be on, in the order the editor shows them.
ALL_SHIFTS = (OPENING, CLOSING, VISIT)
AREAS = ("folded", "hanging", "window", "focal", "storefront")
LANGUAGES = ("zh-Hant", "zh-Hans", "en")
KINDS = ("yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh")

# Rules photographed through their area, except these (display-rules.md, "Photo evidence").
NO_PHOTO_KEYS = frozenset({"focal_point", "featured_style", "same_hanger"})
# Rules a shop may answer N/A: no mannequin by the folded table, no key style this season.
ALLOW_NA_KEYS = frozenset({"folded_mannequin", "featured_style"})


@dataclass(frozen=True)
class RuleSeed:
    """A rule as the guide states it, with its default numbers."""

    key: str
    area: str
    kind: str
    params: dict[str, Any]
    weight: int
    titles: dict[str, str]
    photo_required: bool = True
    shifts: tuple[str, ...] = field(default=(OPENING,))
    allow_na: bool = False


_SHIFT_LETTERS = {"O": OPENING, "C": CLOSING, "V": VISIT}


def _shifts(letters: str) -> tuple[str, ...]:
    return tuple(_SHIFT_LETTERS[letter] for letter in letters.split())


def _light_to_dark() -> dict[str, Any]:
    return {"direction": "light_to_dark", "tolerance": 5, "warm_to_cold": False}


# key, area, kind, default params, weight, shifts (display-rules.md's letters), titles
_GuideRow = tuple[str, str, str, dict[str, Any], int, str, dict[str, str]]

GUIDE_RULES: tuple[RuleSeed, ...] = tuple(
    RuleSeed(
        key=key,
        area=area,
        kind=kind,
        params=params,
        weight=weight,
        titles=titles,
        photo_required=key not in NO_PHOTO_KEYS,
        shifts=_shifts(letters),
        allow_na=key in ALLOW_NA_KEYS,
    )
    for key, area, kind, params, weight, letters, titles in list[_GuideRow](
        [
            (
                "stack_count",
                "folded",
                "stack_count",
                {"thin": [4, 6], "thick": [3, 4]},
                2,
                "O C V",
                {
                    "en": "Unpack before folding: thin garments {thin} pieces a stack, thick garments {thick}",
                    "zh-Hant": "疊裝要拆包裝：薄款每疊 {thin} 件，厚款每疊 {thick} 件",
                    "zh-Hans": "叠装要拆包装：薄款每叠 {thin} 件，厚款每叠 {thick} 件",
                },
            ),
            (
                "folded_size_order",
                "folded",
                "size_order",
                {"direction": "descending"},
                1,
                "O V",
                {
                    "en": "In each stack, sizes run from top to bottom, large to small",
                    "zh-Hant": "每疊尺碼自上而下，由大到小",
                    "zh-Hans": "每叠尺码自上而下，由大到小",
                },
            ),
            (
                "folded_colour_order",
                "folded",
                "colour_order",
                _light_to_dark(),
                1,
                "O V",
                {
                    "en": "Colours run from outside to inside: light to dark, warm to cold, bright to dark",
                    "zh-Hant": "顏色由外到內：由淺至深、由暖至冷、由明至暗",
                    "zh-Hans": "颜色由外到内：由浅至深、由暖至冷、由明至暗",
                },
            ),
            (
                "folded_grouping",
                "folded",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "Same season, same type and same series are shown together",
                    "zh-Hant": "同季、同類、同系列的貨品陳列在同一區域",
                    "zh-Hans": "同季、同类、同系列的货品陈列在同一区域",
                },
            ),
            (
                "folded_mannequin",
                "folded",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "A mannequin by the folded table wears a style from it, with its POP",
                    "zh-Hant": "疊裝區附近的模特兒展示疊裝中的代表款式，並配 POP",
                    "zh-Hans": "叠装区附近的模特展示叠装中的代表款式，并配 POP",
                },
            ),
            (
                "hang_count",
                "hanging",
                "count_range",
                {"min": 2, "max": 4},
                2,
                "O C V",
                {
                    "en": "Each style hangs at least {min} consecutive pieces, usually no more than {max}",
                    "zh-Hant": "每款至少連續掛 {min} 件，一般不超過 {max} 件",
                    "zh-Hans": "每款至少连续挂 {min} 件，一般不超过 {max} 件",
                },
            ),
            (
                "hanging_size_order",
                "hanging",
                "size_order",
                {"direction": "ascending"},
                1,
                "O V",
                {
                    "en": "On each rail, front to back and left to right, small sizes to large",
                    "zh-Hant": "每條掛通自前向後、自左向右，由小碼至大碼",
                    "zh-Hans": "每条挂通自前向后、自左向右，由小码至大码",
                },
            ),
            (
                "hanging_colour_order",
                "hanging",
                "colour_order",
                _light_to_dark(),
                1,
                "O V",
                {
                    "en": (
                        "Front-facing and side rails, each on its own: outside to inside, front to back, light to dark"
                    ),
                    "zh-Hant": "正掛與側掛各自：從外到內、從前到後，由淺到深、由明至暗",
                    "zh-Hans": "正挂与侧挂各自：从外到内、从前到后，由浅到深、由明至暗",
                },
            ),
            (
                "same_hanger",
                "hanging",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "One series uses one kind of hanger",
                    "zh-Hant": "同一系列的貨品使用同一種衣架",
                    "zh-Hans": "同一系列的货品使用同一种衣架",
                },
            ),
            (
                "hanging_tidy",
                "hanging",
                "yes_no",
                {},
                1,
                "O C V",
                {
                    "en": "Hung garments are clean, with no creases",
                    "zh-Hant": "掛裝保持整潔，無摺痕",
                    "zh-Hans": "挂装保持整洁，无折痕",
                },
            ),
            (
                "window_refresh",
                "window",
                "refresh",
                {"max_days": 3},
                2,
                "O",
                {
                    "en": "Window mannequins get a new outfit at least every {max_days} days",
                    "zh-Hant": "櫥窗模特兒至少每 {max_days} 天換一次裝",
                    "zh-Hans": "橱窗模特至少每 {max_days} 天换一次装",
                },
            ),
            (
                "window_clean",
                "window",
                "yes_no",
                {},
                2,
                "O C V",
                {
                    "en": "Window clothes are clean and tidy",
                    "zh-Hant": "櫥窗衣物清潔、整齊",
                    "zh-Hans": "橱窗衣物清洁、整齐",
                },
            ),
            (
                "window_promo",
                "window",
                "yes_no",
                {},
                1,
                "O C V",
                {
                    "en": "The promotion boards in the window stand where they should",
                    "zh-Hant": "櫥窗推廣宣傳牌位置妥當",
                    "zh-Hans": "橱窗推广宣传牌位置妥当",
                },
            ),
            (
                "window_seasonal",
                "window",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "Only in-season items in the window, nothing out of date or out of fashion",
                    "zh-Hant": "櫥窗只陳列當季貨品，不放過季或過時的款式",
                    "zh-Hans": "橱窗只陈列当季货品，不放过季或过时的款式",
                },
            ),
            (
                "focal_point",
                "focal",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "A focal point at or above eye level: the logo wall behind the till, strong-contrast POP",
                    "zh-Hant": "焦點位於視平線或以上：收銀台後的形象標誌牌、色彩對比強烈的 POP",
                    "zh-Hans": "焦点位于视平线或以上：收银台后的形象标志牌、色彩对比强烈的 POP",
                },
            ),
            (
                "featured_style",
                "focal",
                "yes_no",
                {},
                1,
                "O V",
                {
                    "en": "A key or new style is shown several ways at once (mannequin, front-facing hang, outfit)",
                    "zh-Hant": "重點款或新款同時以多種方式出樣（模特兒、正掛、配搭），形成重複效應",
                    "zh-Hans": "重点款或新款同时以多种方式出样（模特、正挂、配搭），形成重复效应",
                },
            ),
            (
                "storefront",
                "storefront",
                "yes_no",
                {},
                1,
                "V",
                {
                    "en": "Signboard and image wall are clean, lit and undamaged",
                    "zh-Hant": "門頭招牌與形象牆清潔、明亮、無損壞",
                    "zh-Hans": "门头招牌与形象墙清洁、明亮、无损坏",
                },
            ),
            (
                "pop_layout",
                "storefront",
                "yes_no",
                {},
                1,
                "V",
                {
                    "en": "POP, posters and leaflets are current and placed as the brand plans",
                    "zh-Hant": "POP、海報與宣傳單張為當期，並按品牌規劃佈置",
                    "zh-Hans": "POP、海报与宣传单张为当期，并按品牌规划布置",
                },
            ),
        ]
    )
)


def render_title(template: str, params: dict[str, Any]) -> str:
    """Fill a title template from a rule's params; ranges print as ``4–6``."""
    values: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, list) and len(value) == 2:
            values[name] = f"{value[0]}–{value[1]}"
        else:
            values[name] = value
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        # An admin's template naming a param that does not exist shows as written
        # rather than breaking the checklist.
        return template
