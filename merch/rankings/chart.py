"""A score chart's geometry (0–100 over dates), drawn by a template as inline SVG.

Pure: the page gets the points and labels, no chart library and nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 640
HEIGHT = 220
LEFT = 60
RIGHT = 12
TOP = 12
BOTTOM = 34


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    score: Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[str]  # SVG polyline "points" strings; a day without a score breaks the line
    points: list[Point]
    gridlines: list[tuple[float, int]]  # (y, score label)
    labels: list[tuple[float, date]]  # (x, date) under the axis
    bottom: float
    left: float
    right: float


def score_chart(days: Sequence[tuple[date, Decimal | None]], width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Points for each (date, score); None scores leave a gap."""
    count = max(len(days), 1)
    plot_width = width - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM

    def x_of(index: int) -> float:
        return round(LEFT + (plot_width * (index + 0.5) / count), 1)

    def y_of(score: Decimal | int) -> float:
        return round(TOP + plot_height * (1 - float(score) / 100), 1)

    lines: list[str] = []
    current: list[str] = []
    points: list[Point] = []
    for index, (day, score) in enumerate(days):
        if score is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        point = Point(x_of(index), y_of(score), day, score)
        points.append(point)
        current.append(f"{point.x},{point.y}")
    if current:
        lines.append(" ".join(current))
    step = max(1, round(count / 5))
    labels = [(x_of(index), day) for index, (day, _) in enumerate(days) if index % step == 0]
    return Chart(
        width=width,
        height=height,
        lines=lines,
        points=points if count <= 92 else [],  # dots only while they stay apart
        gridlines=[(y_of(score), score) for score in (0, 25, 50, 75, 100)],
        labels=labels,
        bottom=height - BOTTOM,
        left=LEFT,
        right=width - RIGHT,
    )
