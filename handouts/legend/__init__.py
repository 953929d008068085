"""Legends and reference points on every image: scale bar, orientation letters, how to read it."""

from __future__ import annotations

from takehome.handouts.legend.orientation import (
    OBLIQUE_THRESHOLD,
    Orientation,
    Viewpoint,
    from_patient_orientation,
    from_vectors,
    letters,
    orientation_for,
    reading_sentence,
)
from takehome.handouts.legend.scalebar import ScaleBar, choose_scale_bar

__all__ = ["OBLIQUE_THRESHOLD", "Orientation", "ScaleBar", "Viewpoint", "choose_scale_bar",
           "from_patient_orientation", "from_vectors", "letters", "orientation_for",
           "reading_sentence"]
