"""WCAG 2.1 contrast: relative luminance, contrast ratios, and the outline that keeps a colour legible.

Text needs 4.5:1 against its background (AA), large text (18 pt, or 14 pt bold) and graphics 3:1.
"""

from __future__ import annotations

from reportlab.lib.colors import Color, black, white

#: WCAG 2.1 AA minimum ratios.
TEXT_RATIO = 4.5
LARGE_TEXT_RATIO = 3.0
GRAPHICS_RATIO = 3.0


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: Color) -> float:
    """The relative luminance of an sRGB colour (WCAG 2.1 definition)."""
    return 0.2126 * _channel(colour.red) + 0.7152 * _channel(colour.green) + 0.0722 * _channel(colour.blue)


def contrast_ratio(first: Color, second: Color) -> float:
    """The contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def outline_for(colour: Color) -> Color:
    """Black or white, whichever stands out more against ``colour`` (always at least 4.5:1)."""
    return black if contrast_ratio(colour, black) >= contrast_ratio(colour, white) else white
