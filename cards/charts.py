"""Teams chart elements (Chart.Gauge, Chart.HorizontalBar.Stacked, Chart.Line), each with a `fallback`.

Charts are a Teams extension of Adaptive Cards: the official 1.5 schema does not know them, and
clients without charts (older Teams, Outlook, other hosts) render the element's `fallback` instead.
So every chart here takes the fallback it must carry: plain 1.5 elements that say the same thing
in words and hand-drawn bars. Properties follow Microsoft's declarations of the Teams card
elements (tests/cards/schemas/ORIGIN.md); colours are the chart colour names Teams defines.
"""

from __future__ import annotations

from typing import Any

Element = dict[str, Any]


def _set(out: Element, fields: dict[str, Any]) -> Element:
    out.update((key, value) for key, value in fields.items() if value is not None and value != "")
    return out


def gauge(
    *,
    value: float,
    maximum: float,
    segments: list[tuple[float, str, str]],
    fallback: Element,
    title: str | None = None,
    sub_label: str | None = None,
    value_format: str = "Fraction",
    max_width: str | None = None,
) -> Element:
    """A gauge from 0 to `maximum`; `segments` are (size, legend, colour) from the left."""
    out: Element = {
        "type": "Chart.Gauge",
        "value": value,
        "min": 0,
        "max": maximum,
        "valueFormat": value_format,
        "segments": [{"size": size, "legend": legend, "color": color} for size, legend, color in segments],
    }
    return _set(
        out,
        {"title": title, "showTitle": bool(title) or None, "subLabel": sub_label, "maxWidth": max_width,
         "fallback": fallback},
    )


def stacked_bars(
    rows: list[tuple[str, list[tuple[str, float, str]]]], *, fallback: Element, title: str | None = None
) -> Element:
    """One horizontal bar per row, stacked from (legend, value, colour) parts."""
    out: Element = {
        "type": "Chart.HorizontalBar.Stacked",
        "data": [
            {
                "title": row_title,
                "data": [{"legend": name, "value": value, "color": color} for name, value, color in parts],
            }
            for row_title, parts in rows
        ],
    }
    return _set(out, {"title": title, "showTitle": bool(title) or None, "fallback": fallback})


def line(
    series: list[tuple[str, list[tuple[str, float]], str]],
    *,
    fallback: Element,
    title: str | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
) -> Element:
    """One line per (legend, [(x, y)...], colour); x values are category labels (month names)."""
    out: Element = {
        "type": "Chart.Line",
        "data": [
            {"legend": legend, "color": color, "values": [{"x": x, "y": y} for x, y in points]}
            for legend, points, color in series
        ],
    }
    return _set(
        out,
        {"title": title, "showTitle": bool(title) or None, "yMin": y_min, "yMax": y_max,
         "fallback": fallback},
    )
