"""Physical size of a pixel, from whichever header attribute knows it, and line lengths in mm.

Sources, in order: Pixel Spacing (also from the functional groups of enhanced images), Imager
Pixel Spacing (corrected by the estimated magnification when given) and ultrasound region
physical deltas. When none applies a length is honestly given in pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from takehome.annotations.model import Overlay, Point, ShapeKind

#: DICOM Physical Units X/Y Direction code for centimetres (PS3.3 C.8.5.5.1.15).
_US_UNITS_CM = 3


class SpacingSource(StrEnum):
    """Which header attribute the spacing came from (values are the DICOM keywords)."""

    PIXEL_SPACING = "PixelSpacing"
    IMAGER_PIXEL_SPACING = "ImagerPixelSpacing"
    ULTRASOUND_REGION = "SequenceOfUltrasoundRegions"


@dataclass(frozen=True, slots=True)
class Spacing:
    """Millimetres per pixel along rows (vertical step) and columns (horizontal step)."""

    row_mm: float
    column_mm: float
    source: SpacingSource

    def __post_init__(self) -> None:
        for name in ("row_mm", "column_mm"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: expected a positive spacing in mm, got {value!r}")

    def distance_mm(self, a: Point, b: Point) -> float:
        return math.hypot((b.x - a.x) * self.column_mm, (b.y - a.y) * self.row_mm)


@dataclass(frozen=True, slots=True)
class Length:
    """A measured length: ``unit`` is "mm" when the spacing is known, otherwise "px"."""

    value: float
    unit: str

    def __str__(self) -> str:
        if self.unit == "mm":
            if self.value >= 100:
                return f"{self.value / 10:.1f} cm"
            return f"{self.value:.1f} mm"
        return f"{self.value:.0f} px"


def _pair(value: Any) -> tuple[float, float] | None:
    try:
        row, col = float(value[0]), float(value[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if not (math.isfinite(row) and math.isfinite(col) and row > 0 and col > 0):
        return None
    return row, col


def _functional_spacing(ds: Any, frame: int) -> Any:
    for seq_name, index in (("PerFrameFunctionalGroupsSequence", frame - 1),
                            ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(seq_name)
        if not groups or index >= len(groups):
            continue
        measures = groups[index].get("PixelMeasuresSequence")
        if measures and "PixelSpacing" in measures[0]:
            return measures[0].PixelSpacing
    return None


def _us_region(ds: Any, points: Sequence[Point]) -> Spacing | None:
    regions = ds.get("SequenceOfUltrasoundRegions") or []
    for region in regions:
        try:
            x0, y0 = int(region.RegionLocationMinX0), int(region.RegionLocationMinY0)
            x1, y1 = int(region.RegionLocationMaxX1), int(region.RegionLocationMaxY1)
            units_x, units_y = int(region.PhysicalUnitsXDirection), int(region.PhysicalUnitsYDirection)
            dx, dy = abs(float(region.PhysicalDeltaX)), abs(float(region.PhysicalDeltaY))
        except (AttributeError, TypeError, ValueError):
            continue
        if units_x != _US_UNITS_CM or units_y != _US_UNITS_CM or dx <= 0 or dy <= 0:
            continue
        inside = all(x0 <= p.x <= x1 + 1 and y0 <= p.y <= y1 + 1 for p in points)
        if inside or not points:
            return Spacing(row_mm=dy * 10, column_mm=dx * 10, source=SpacingSource.ULTRASOUND_REGION)
    return None


def spacing_for(ds: Any, frame: int = 1, points: Sequence[Point] = ()) -> Spacing | None:
    """The pixel spacing that applies to ``points`` of ``frame`` of dataset ``ds``, or None.

    For ultrasound the region containing all the points must have physical units of cm; with no
    points the first such region is used (for a scale bar).
    """
    pair = _pair(ds.get("PixelSpacing")) or _pair(_functional_spacing(ds, frame))
    if pair is not None:
        return Spacing(pair[0], pair[1], SpacingSource.PIXEL_SPACING)
    pair = _pair(ds.get("ImagerPixelSpacing"))
    if pair is not None:
        try:
            magnification = float(ds.get("EstimatedRadiographicMagnificationFactor") or 1.0)
        except (TypeError, ValueError):
            magnification = 1.0
        if not (math.isfinite(magnification) and magnification > 0):
            magnification = 1.0
        return Spacing(pair[0] / magnification, pair[1] / magnification,
                       SpacingSource.IMAGER_PIXEL_SPACING)
    return _us_region(ds, points)


def line_length(overlay: Overlay, spacing: Spacing | None) -> Length:
    """Length of a line or arrow overlay: mm when ``spacing`` is known, px otherwise."""
    if overlay.kind not in (ShapeKind.LINE, ShapeKind.ARROW):
        raise ValueError(f"overlay.kind: only lines and arrows have a length, not {overlay.kind}")
    a, b = overlay.points
    if spacing is None:
        return Length(math.hypot(b.x - a.x, b.y - a.y), "px")
    return Length(spacing.distance_mm(a, b), "mm")
