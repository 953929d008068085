"""Line lengths in mm from whichever spacing the header has, and honest pixels otherwise."""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset

from takehome.annotations import Overlay, Point, ShapeKind, SpacingSource, line_length, spacing_for

LINE = Overlay(ShapeKind.LINE, (Point(10, 10), Point(40, 50)))  # 30 x 40 px -> 50 px


def test_pixel_spacing() -> None:
    ds = Dataset()
    ds.PixelSpacing = [0.5, 0.25]  # row spacing, column spacing
    spacing = spacing_for(ds)
    assert spacing is not None and spacing.source is SpacingSource.PIXEL_SPACING
    assert line_length(LINE, spacing).value == pytest.approx((7.5**2 + 20**2) ** 0.5)
    assert str(line_length(LINE, spacing)).endswith("mm")


def test_imager_pixel_spacing_with_magnification() -> None:
    ds = Dataset()
    ds.ImagerPixelSpacing = [0.2, 0.2]
    ds.EstimatedRadiographicMagnificationFactor = 1.25
    spacing = spacing_for(ds)
    assert spacing is not None and spacing.source is SpacingSource.IMAGER_PIXEL_SPACING
    assert spacing.row_mm == pytest.approx(0.16)


def test_functional_group_spacing() -> None:
    ds = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.8, 0.8]
    group = Dataset()
    group.PixelMeasuresSequence = [measures]
    ds.SharedFunctionalGroupsSequence = [group]
    spacing = spacing_for(ds, frame=2)
    assert spacing is not None and spacing.row_mm == pytest.approx(0.8)


def _region(x0: int, y0: int, x1: int, y1: int, units: int, delta: float) -> Dataset:
    region = Dataset()
    region.RegionLocationMinX0, region.RegionLocationMinY0 = x0, y0
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = x1, y1
    region.PhysicalUnitsXDirection = region.PhysicalUnitsYDirection = units
    region.PhysicalDeltaX = region.PhysicalDeltaY = delta
    return region


def test_ultrasound_region_containing_the_line() -> None:
    ds = Dataset()
    ds.SequenceOfUltrasoundRegions = [_region(0, 0, 5, 5, 3, 0.9), _region(0, 0, 100, 100, 3, 0.01)]
    spacing = spacing_for(ds, points=LINE.points)
    assert spacing is not None and spacing.source is SpacingSource.ULTRASOUND_REGION
    assert line_length(LINE, spacing).value == pytest.approx(5.0)  # 50 px * 0.1 mm


def test_ultrasound_region_in_seconds_is_not_a_length() -> None:
    ds = Dataset()
    ds.SequenceOfUltrasoundRegions = [_region(0, 0, 100, 100, 4, 0.01)]
    assert spacing_for(ds, points=LINE.points) is None


def test_no_spacing_is_pixels() -> None:
    length = line_length(LINE, spacing_for(Dataset()))
    assert (length.value, length.unit, str(length)) == (50.0, "px", "50 px")


def test_only_lines_have_length() -> None:
    with pytest.raises(ValueError, match="only lines and arrows"):
        line_length(Overlay(ShapeKind.RECTANGLE, (Point(0, 0), Point(1, 1))), None)
