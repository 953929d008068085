"""Orientation letters at the image edges (L/R, A/P, H/F) and one plain sentence on how to read the view.

Directions come from Image Orientation (Patient) (also from the functional groups of enhanced
images) or, failing that, Patient Orientation. DICOM's patient axes are +x = patient's Left,
+y = Posterior, +z = Head.

Oblique views: an edge gets the letters of every axis that contributes at least
``OBLIQUE_THRESHOLD`` (0.3, about 17 degrees off the main axis) of its direction, strongest first,
so a view tilted between left and back reads "LP" on the right edge and "RA" on the left. The
sentence on how to read the view uses the dominant axis only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from takehome.handouts.i18n import N_, Translator

OBLIQUE_THRESHOLD = 0.3
_LETTERS = (("R", "L"), ("A", "P"), ("F", "H"))  # (negative, positive) along x, y, z
_OPPOSITE = {"L": "R", "R": "L", "A": "P", "P": "A", "H": "F", "F": "H"}
_UNIT = {"L": (1.0, 0.0, 0.0), "R": (-1.0, 0.0, 0.0), "P": (0.0, 1.0, 0.0), "A": (0.0, -1.0, 0.0),
         "H": (0.0, 0.0, 1.0), "F": (0.0, 0.0, -1.0)}

Vector = tuple[float, float, float]


class Viewpoint(StrEnum):
    """Where the reader stands, looking at the picture (the direction the screen faces away from)."""

    FEET = "feet"
    HEAD = "head"
    FRONT = "front"
    BEHIND = "behind"
    RIGHT = "right"
    LEFT = "left"


@dataclass(frozen=True, slots=True)
class Orientation:
    """Letters for each image edge and the vectors they came from."""

    right: str
    left: str
    bottom: str
    top: str
    row: Vector  # direction of increasing column (towards the right edge)
    column: Vector  # direction of increasing row (towards the bottom edge)

    @property
    def viewpoint(self) -> Viewpoint:
        """Where the reader appears to stand: opposite the direction that points into the page."""
        into = _cross(self.row, self.column)
        axis = max(range(3), key=lambda i: abs(into[i]))
        positive = into[axis] > 0
        # looking towards +z (head) means standing at the feet, and so on
        return ((Viewpoint.RIGHT, Viewpoint.LEFT), (Viewpoint.FRONT, Viewpoint.BEHIND),
                (Viewpoint.FEET, Viewpoint.HEAD))[axis][0 if positive else 1]

    @property
    def edges(self) -> dict[str, str]:
        return {"left": self.left, "right": self.right, "top": self.top, "bottom": self.bottom}


def _cross(a: Vector, b: Vector) -> Vector:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _normalise(v: Sequence[float]) -> Vector | None:
    if len(v) != 3:
        return None
    norm = math.sqrt(sum(c * c for c in v))
    if not math.isfinite(norm) or norm < 1e-6:
        return None
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def letters(v: Vector) -> str:
    """The edge letters of direction ``v``: every axis with a share >= the threshold, strongest first."""
    order = sorted(range(3), key=lambda i: -abs(v[i]))
    out = [_LETTERS[i][1 if v[i] > 0 else 0] for i in order if abs(v[i]) >= OBLIQUE_THRESHOLD]
    return "".join(out) or _LETTERS[order[0]][1 if v[order[0]] > 0 else 0]


def from_vectors(row: Sequence[float], column: Sequence[float]) -> Orientation | None:
    """Orientation from the row and column direction cosines; None if they are not usable."""
    r, c = _normalise(row), _normalise(column)
    if r is None or c is None or abs(sum(a * b for a, b in zip(r, c, strict=True))) > 0.1:
        return None
    minus_r: Vector = (-r[0], -r[1], -r[2])
    minus_c: Vector = (-c[0], -c[1], -c[2])
    return Orientation(right=letters(r), left=letters(minus_r), bottom=letters(c), top=letters(minus_c),
                       row=r, column=c)


def from_patient_orientation(values: Sequence[str]) -> Orientation | None:
    """Orientation from Patient Orientation (0020,0020): row then column direction, e.g. ["L", "P"]."""
    if len(values) != 2:
        return None
    vectors = []
    for value in values:
        text = str(value).strip().upper()
        if not text or any(ch not in _UNIT for ch in text):
            return None  # e.g. quadruped or foot/hand terms: not printed rather than guessed
        weights = [1.0 / (i + 1) for i in range(len(text))]
        v = [sum(w * _UNIT[ch][k] for w, ch in zip(weights, text, strict=True)) for k in range(3)]
        vec = _normalise(v)
        if vec is None:
            return None
        vectors.append(vec)
    row, column = vectors
    r, c = str(values[0]).strip().upper(), str(values[1]).strip().upper()
    return Orientation(right=r, left="".join(_OPPOSITE[ch] for ch in r), bottom=c,
                       top="".join(_OPPOSITE[ch] for ch in c), row=row, column=column)


def _plane_orientation(ds: Any, frame: int) -> Any:
    value = ds.get("ImageOrientationPatient")
    if value is not None:
        return value
    for seq_name, index in (("PerFrameFunctionalGroupsSequence", frame - 1),
                            ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(seq_name)
        if not groups or index >= len(groups):
            continue
        planes = groups[index].get("PlaneOrientationSequence")
        if planes and "ImageOrientationPatient" in planes[0]:
            return planes[0].ImageOrientationPatient
    return None


def orientation_for(ds: Any, frame: int = 1) -> Orientation | None:
    """The orientation of ``frame`` of ``ds``, or None when the header does not say."""
    iop = _plane_orientation(ds, frame)
    if iop is not None:
        try:
            values = [float(v) for v in iop]
        except (TypeError, ValueError):
            values = []
        if len(values) == 6 and all(math.isfinite(v) for v in values):
            found = from_vectors(values[:3], values[3:])
            if found is not None:
                return found
    po = ds.get("PatientOrientation")
    if po is not None:
        try:
            items = [str(v) for v in po] if not isinstance(po, str) else po.split("\\")
        except TypeError:
            return None
        return from_patient_orientation(items)
    return None


_VIEW_WORDS = {
    Viewpoint.FEET: N_("Seen as if looking up from your feet"),
    Viewpoint.HEAD: N_("Seen as if looking down from above your head"),
    Viewpoint.FRONT: N_("Seen as if you were facing us"),
    Viewpoint.BEHIND: N_("Seen as if standing behind you"),
    Viewpoint.RIGHT: N_("Seen as if looking at your right side"),
    Viewpoint.LEFT: N_("Seen as if looking at your left side"),
}
_SIDE_WORDS = {
    ("L", "right"): N_("your left side is on the right of the picture"),
    ("L", "left"): N_("your left side is on the left of the picture"),
    ("A", "left"): N_("the front of your body is on the left of the picture"),
    ("A", "right"): N_("the front of your body is on the right of the picture"),
    ("H", "left"): N_("your head is towards the left of the picture"),
    ("H", "right"): N_("your head is towards the right of the picture"),
}


def reading_sentence(orientation: Orientation, tr: Translator) -> str:
    """One plain sentence: where the reader stands and which side of the body is where."""
    view = tr.gettext(_VIEW_WORDS[orientation.viewpoint])
    row = orientation.row
    axis = max(range(3), key=lambda i: abs(row[i]))
    positive = row[axis] > 0
    # which edge does the patient's left (or front, or head) lie on?
    anchor = ("L", "A", "H")[axis]
    towards_right = positive if axis != 1 else not positive  # +y is posterior: front is -y
    side = tr.gettext(_SIDE_WORDS[(anchor, "right" if towards_right else "left")])
    return tr.gettext("{view}: {side}.").format(view=view, side=side)

