"""Filling redaction boxes into the raster, and turning detected text into proposed boxes.

The fill happens in the display pixels before the PDF layer sees them, so the printed image holds
no trace of what was under a box (no removable layer, nothing to select or copy).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from takehome.annotations.model import Redaction, RedactionSource, RedactionStatus
from takehome.handouts.deid.pixels import TextRegion

#: Filled redactions are black: on screens (mostly black) they are quiet, elsewhere plainly visible.
FILL = 0
#: A detected region counts as handled when boxes cover at least this share of it.
COVERED = 0.9


def pixel_box(box: tuple[float, float, float, float], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) rounded outwards to whole pixels and clipped to the image."""
    rows, columns = shape[:2]
    x0, y0, x1, y1 = box
    return (max(0, math.floor(x0)), max(0, math.floor(y0)),
            min(columns, math.ceil(x1)), min(rows, math.ceil(y1)))


def apply_redactions(pixels: NDArray[np.uint8], boxes: Iterable[Redaction]) -> NDArray[np.uint8]:
    """A copy of ``pixels`` with every box whose status is ``redact`` filled solid."""
    out = np.array(pixels, copy=True)
    for box in boxes:
        if box.status is not RedactionStatus.REDACT:
            continue
        x0, y0, x1, y1 = pixel_box(box.bounds(), out.shape)
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = FILL
    return out


def mask_of(boxes: Iterable[Redaction], shape: tuple[int, ...],
            statuses: Sequence[RedactionStatus]) -> NDArray[np.bool_]:
    """The pixels covered by the boxes with one of ``statuses``."""
    mask = np.zeros(shape[:2], dtype=bool)
    for box in boxes:
        if box.status in statuses:
            x0, y0, x1, y1 = pixel_box(box.bounds(), shape)
            mask[y0:y1, x0:x1] = True
    return mask


def coverage(region: TextRegion, mask: NDArray[np.bool_]) -> float:
    """The share of ``region`` covered by ``mask``."""
    x0, y0, x1, y1 = pixel_box((region.x0, region.y0, region.x1, region.y1), mask.shape)
    if x1 <= x0 or y1 <= y0:
        return 1.0
    return float(mask[y0:y1, x0:x1].mean())


def region_box(region: TextRegion, status: RedactionStatus) -> Redaction:
    """A redaction box for a detected region (source OCR), with its reason in words."""
    return Redaction(region.x0, region.y0, region.x1 - region.x0, region.y1 - region.y0,
                     status=status, source=RedactionSource.OCR, reason=region.reason)


def propose(existing: Sequence[Redaction], regions: Iterable[TextRegion],
            shape: tuple[int, ...]) -> tuple[Redaction, ...]:
    """The boxes to show the clinician: what they already decided, plus every new region found.

    New identifying text is proposed for redaction; other text is ``pending`` until the clinician
    dismisses (or redacts) it.
    """
    decided = mask_of(existing, shape, (RedactionStatus.REDACT, RedactionStatus.DISMISSED,
                                        RedactionStatus.PENDING))
    added = []
    for region in regions:
        if coverage(region, decided) >= COVERED:
            continue
        status = RedactionStatus.REDACT if region.identifying else RedactionStatus.PENDING
        added.append(region_box(region, status))
    return (*existing, *added)
