"""Charts drawn on the server as inline SVG: no chart library, nothing from a CDN
(government intranets are offline). Each chart has a <title> and an aria-label; the page
shows the same numbers in a table beside it for screen readers and printing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None  # None: no denominator that month (a gap in the line)


def _n(value: float) -> str:
    """A coordinate: format_html escapes its arguments before formatting them."""
    return f"{value:.1f}"


def _y_max(values: Sequence[Decimal | None], target: Decimal) -> Decimal:
    top = max([v for v in values if v is not None] + [target, Decimal(100)])
    return Decimal(int((top + 9) // 10 * 10))


def trend_chart(points: Sequence[Point], target: Decimal, *, title: str,
                width: int = 420, height: int = 160) -> SafeString:
    """A line of monthly rates with the target as a dashed line; months without a
    denominator leave a gap."""
    left, right, top, bottom = 34, 8, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _y_max([p.value for p in points], target)

    def x(i: int) -> float:
        return left + (plot_w * i / max(len(points) - 1, 1))

    def y(v: Decimal) -> float:
        return top + plot_h * (1 - float(v / y_max))

    parts = [format_html('<title>{}</title>', title)]
    for tick in (Decimal(0), y_max / 2, y_max):
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid"/>'
            '<text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>',
            left, _n(y(tick)), width - right, _n(y(tick)), left - 4, _n(y(tick) + 3), f"{tick:.0f}%"))
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-target"/>',
        left, _n(y(target)), width - right, _n(y(target))))
    segment: list[str] = []
    segments: list[list[str]] = [segment]
    for i, point in enumerate(points):
        if point.value is None:
            segment = []
            segments.append(segment)
            continue
        segment.append(f"{x(i):.1f},{y(point.value):.1f}")
        below = " chart-dot--below" if point.value < target else ""
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="2.5" class="chart-dot{}">'
            '<title>{}: {}%</title></circle>',
            _n(x(i)), _n(y(point.value)), below, point.label, point.value))
    for line in segments:
        if len(line) > 1:
            parts.append(format_html('<polyline points="{}" class="chart-line"/>', " ".join(line)))
    step = max(1, len(points) // 6)
    for i, point in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            parts.append(format_html(
                '<text x="{}" y="{}" class="chart-axis" text-anchor="middle">{}</text>',
                _n(x(i)), height - 6, point.label))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        width, height, title, mark_safe("".join(parts)))  # noqa: S308 (each part escaped above)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    note: str = ""  # e.g. "12/15"


def ranking_chart(bars: Sequence[Bar], target: Decimal, *, title: str,
                  width: int = 420, bar_height: int = 18) -> SafeString:
    """Horizontal bars, best first as given, with the target as a vertical line."""
    label_w, value_w, gap = 150, 70, 6
    plot_w = width - label_w - value_w
    height = max(len(bars), 1) * (bar_height + gap) + gap
    x_max = _y_max([b.value for b in bars], target)

    def w(v: Decimal) -> float:
        return plot_w * float(v / x_max)

    parts = [format_html('<title>{}</title>', title)]
    for i, bar in enumerate(bars):
        top = gap + i * (bar_height + gap)
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        parts.append(format_html(
            '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}<title>{}</title></text>',
            label_w - 6, top + bar_height - 5, label, bar.label))
        if bar.value is not None:
            below = " chart-bar--below" if bar.value < target else ""
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar{}"/>',
                label_w, top, _n(w(bar.value)), bar_height, below))
        shown = "—" if bar.value is None else f"{bar.value}%"
        parts.append(format_html(
            '<text x="{}" y="{}" class="chart-value">{} {}</text>',
            width - value_w + 4, top + bar_height - 5, shown, bar.note))
    parts.append(format_html(
        '<line x1="{}" y1="0" x2="{}" y2="{}" class="chart-target"/>',
        _n(label_w + w(target)), _n(label_w + w(target)), height))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        width, height, title, mark_safe("".join(parts)))  # noqa: S308 (each part escaped above)
