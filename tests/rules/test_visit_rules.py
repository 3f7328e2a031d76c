"""Which rules a supervisor's visit (巡場) asks: the ones marked V in display-rules.md."""

from __future__ import annotations

from merch.services.checklists import rule_versions_for

VISIT_KEYS = [
    "stack_count",
    "folded_size_order",
    "folded_colour_order",
    "folded_grouping",
    "folded_mannequin",
    "hang_count",
    "hanging_size_order",
    "hanging_colour_order",
    "same_hanger",
    "hanging_tidy",
    "window_clean",
    "window_promo",
    "window_seasonal",
    "focal_point",
    "featured_style",
    "storefront",
    "pop_layout",
]


def test_a_visit_asks_every_v_rule_in_guide_order(app):
    assert [version.rule.key for version in rule_versions_for("visit")] == VISIT_KEYS


def test_a_visit_needs_four_photos_with_the_storefront(app):
    versions = rule_versions_for("visit")

    assert {version.rule.area for version in versions if version.photo_required} == {
        "folded",
        "hanging",
        "window",
        "storefront",
    }


def test_the_store_image_rules_are_on_visits_only(app):
    for shift in ("opening", "closing"):
        keys = {version.rule.key for version in rule_versions_for(shift)}
        assert not keys & {"storefront", "pop_layout"}
    assert "window_refresh" not in {version.rule.key for version in rule_versions_for("visit")}


def test_opening_and_closing_need_three_photos(app):
    for shift in ("opening", "closing"):
        areas = {version.rule.area for version in rule_versions_for(shift) if version.photo_required}
        assert areas == {"folded", "hanging", "window"}, shift
