"""Checking a DICOM object before it is written: every value fits its value representation.

The session is validated at the boundary, but the objects also carry values derived from it and
from the source images (which may be odd). Anything a validator such as dciodvfy would reject
(control characters in LO/ST/UT, a DS longer than 16 characters, an infinite float, an IS or US
out of range) stops the export with a message naming the object and the attribute.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from takehome.handouts.dicom.errors import DicomExportError

#: Longest value per text VR (characters) and the control characters each allows (PS3.5 6.2).
_TEXT_LIMITS: dict[str, tuple[int, frozenset[str]]] = {
    "AE": (16, frozenset()), "CS": (16, frozenset()), "SH": (16, frozenset()), "LO": (64, frozenset()),
    "PN": (64 * 3 + 2, frozenset()), "UC": (2**32 - 2, frozenset()),
    "ST": (1024, frozenset("\r\n\f\t")), "LT": (10240, frozenset("\r\n\f\t")),
    "UT": (2**32 - 2, frozenset("\r\n\f\t")),
}
_BACKSLASH = chr(92)
_INT_RANGES = {"US": (0, 2**16 - 1), "SS": (-(2**15), 2**15 - 1), "UL": (0, 2**32 - 1),
               "SL": (-(2**31), 2**31 - 1), "IS": (-(2**31), 2**31 - 1)}


def check_dataset(ds: Dataset, kind: str) -> None:
    """Raise DicomExportError naming ``kind`` and the attribute when a value does not fit its VR."""
    for where, vr, value in _values(ds, ""):
        problem = _problem(vr, value)
        if problem:
            raise DicomExportError(f"{kind} object: {where} ({vr}) {problem}; nothing was written")


def _values(ds: Dataset, prefix: str) -> Iterable[tuple[str, str, Any]]:
    for element in ds:
        name = f"{prefix}{element.keyword or element.tag}"
        if element.VR == "SQ":
            for index, item in enumerate(element.value or ()):
                yield from _values(item, f"{name}[{index}].")
            continue
        if element.value is None or element.VR in ("OB", "OW", "OF", "OD", "OL", "OV", "UN", "UR"):
            continue
        values = element.value if isinstance(element.value, MultiValue | list | tuple) else [element.value]
        for value in values:
            yield name, element.VR, value


def _problem(vr: str, value: Any) -> str:
    if vr in _TEXT_LIMITS:
        text = str(value)
        limit, allowed = _TEXT_LIMITS[vr]
        if len(text) > limit:
            return f"is {len(text)} characters long, at most {limit} allowed"
        bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed), None)
        if bad is not None:
            return f"holds the control character {bad!r}"
        if vr not in ("ST", "LT", "UT") and _BACKSLASH in text:
            return "holds a backslash, the value separator"
    elif vr == "DS":
        text = str(value)
        if len(text) > 16:
            return f"value {text[:20]!r} is longer than 16 characters"
        if not math.isfinite(float(value)):
            return "is not a finite number"
    elif vr in ("FL", "FD"):
        if not math.isfinite(float(value)) or (vr == "FL" and abs(float(value)) > 3.4e38):
            return f"value {value!r} does not fit a {vr}"
    elif vr in _INT_RANGES:
        low, high = _INT_RANGES[vr]
        if not low <= int(value) <= high:
            return f"value {value} is outside {low}..{high}"
    return ""
