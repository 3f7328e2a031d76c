"""The brand guide's rulebook as data: the first version of every rule.

Source: ../shared/seeds/merchandising-guide.zh-Hant.txt (服裝陳列), restated in
display-rules.md. Titles are templates: ``{thin}``-style fields are filled from the
version's params so a title never contradicts the numbers it is scored with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OPENING = "opening"
CLOSING = "closing"
SHIFTS = (OPENING, CLOSING)
AREAS = ("folded", "hanging", "window", "focal")
LANGUAGES = ("zh-Hant", "zh-Hans", "en")

CLOSING_KEYS = frozenset({"stack_count", "hang_count", "hanging_tidy", "window_clean"})


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


def _shifts(key: str) -> tuple[str, ...]:
    return SHIFTS if key in CLOSING_KEYS else (OPENING,)


_LIGHT_TO_DARK: dict[str, Any] = {"direction": "light_to_dark", "tolerance": 5}
# key, area, kind, default params, weight, titles
_GuideRow = tuple[str, str, str, dict[str, Any], int, dict[str, str]]

GUIDE_RULES: tuple[RuleSeed, ...] = tuple(
    RuleSeed(
        key=key,
        area=area,
        kind=kind,
        params=params,
        weight=weight,
        titles=titles,
        photo_required=key not in {"focal_point", "same_hanger"},
        shifts=_shifts(key),
    )
    for key, area, kind, params, weight, titles in list[_GuideRow](
        [
            (
                "stack_count",
                "folded",
                "stack_count",
                {"thin": [4, 6], "thick": [3, 4]},
                2,
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
                {
                    "en": "Sizes run from top to bottom, large to small",
                    "zh-Hant": "尺碼自上而下，由大到小",
                    "zh-Hans": "尺码自上而下，由大到小",
                },
            ),
            (
                "folded_colour_order",
                "folded",
                "colour_order",
                dict(_LIGHT_TO_DARK),
                1,
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
                {
                    "en": "Front to back and left to right, small sizes to large",
                    "zh-Hant": "自前向後、自左向右，由小碼至大碼",
                    "zh-Hans": "自前向后、自左向右，由小码至大码",
                },
            ),
            (
                "hanging_colour_order",
                "hanging",
                "colour_order",
                dict(_LIGHT_TO_DARK),
                1,
                {
                    "en": "Front and side rails: outside to inside, front to back, light to dark",
                    "zh-Hant": "正掛與側掛：從外到內、從前到後，由淺到深",
                    "zh-Hans": "正挂与侧挂：从外到内、从前到后，由浅到深",
                },
            ),
            (
                "same_hanger",
                "hanging",
                "yes_no",
                {},
                1,
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
                {
                    "en": "Window clothes are clean and tidy, and the promotion boards stand right",
                    "zh-Hant": "櫥窗衣物清潔、整齊，推廣宣傳牌位置妥當",
                    "zh-Hans": "橱窗衣物清洁、整齐，推广宣传牌位置妥当",
                },
            ),
            (
                "window_seasonal",
                "window",
                "yes_no",
                {},
                1,
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
                {
                    "en": "A focal point at or above eye level: the logo wall behind the till, strong-contrast POP",
                    "zh-Hant": "焦點位於視平線或以上：收銀台後的形象標誌牌、色彩對比強烈的 POP",
                    "zh-Hans": "焦点位于视平线或以上：收银台后的形象标志牌、色彩对比强烈的 POP",
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
