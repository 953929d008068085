"""A scale bar of a round length (mm or cm) for an image whose pixel spacing is known.

No spacing, no bar: a bar is never drawn from a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from takehome.annotations.spacing import Spacing

#: Round bar lengths in millimetres, smallest first.
NICE_LENGTHS_MM = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)
#: The bar takes at most this share of the printed image width.
MAX_SHARE = 0.3
MIN_BAR_PT = 18.0


@dataclass(frozen=True, slots=True)
class ScaleBar:
    """A bar ``length_pt`` long on the page standing for ``length_mm`` in the body."""

    length_mm: float
    length_pt: float

    @property
    def label(self) -> str:
        if self.length_mm >= 10:
            return f"{self.length_mm / 10:g} cm"
        return f"{self.length_mm:g} mm"


def choose_scale_bar(spacing: Spacing | None, points_per_pixel: float,
                     image_width_pt: float) -> ScaleBar | None:
    """The longest round length that fits in ``MAX_SHARE`` of the image width, or None.

    ``points_per_pixel`` is the printed size of one image pixel (columns run horizontally, so the bar
    uses the column spacing).
    """
    if spacing is None or points_per_pixel <= 0 or image_width_pt <= 0:
        return None
    pt_per_mm = points_per_pixel / spacing.column_mm
    fitting = [mm for mm in NICE_LENGTHS_MM if mm * pt_per_mm <= image_width_pt * MAX_SHARE]
    if not fitting:
        return None
    length_mm = fitting[-1]
    if length_mm * pt_per_mm < MIN_BAR_PT:
        return None
    return ScaleBar(length_mm, length_mm * pt_per_mm)
