"""Checks for the plain values a session holds: numbers (finite, in range), text, UIDs.

They run at the boundary (a session file, an edit in the panel), so a value that passes here can be
printed in a PDF and written into a valid DICOM object: no NUL or control characters, no 5000-digit
integers, no coordinates beyond any image.
"""

from __future__ import annotations

import math
import re
import unicodedata

from takehome.annotations.errors import AnnotationError

_UID_RE = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")

#: The largest image side DICOM can describe (Rows and Columns are US).
MAX_IMAGE_SIDE = 65535
#: Number of Frames is an IS: at most 2**31 - 1.
MAX_FRAME = 2**31 - 1
#: Pixel positions: an image side, with room for shapes drawn just outside the image.
MAX_COORDINATE = 1e6
#: Window centre and width in modality units: far beyond any real modality's range, and writable as DS.
MAX_MODALITY_VALUE = 1e9
#: Line breaks and tabs are allowed in multi-line text (excerpts, the report); no other controls.
_MULTILINE_CONTROLS = frozenset("\n\r\t")


def finite(value: object, name: str, *, limit: float = MAX_COORDINATE) -> float:
    """``value`` as a float if it is a real number with ``abs(value) <= limit``, else AnnotationError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnnotationError(f"{name}: expected a number, got {type(value).__name__}")
    if isinstance(value, int):
        if abs(value) > limit:  # checked as an int: a 400-digit integer does not fit a float
            raise AnnotationError(f"{name}: {short(value)} is out of range (at most {limit:g})")
        return float(value)
    if not math.isfinite(value):
        raise AnnotationError(f"{name}: expected a finite number, got {value!r}")
    if abs(value) > limit:
        raise AnnotationError(f"{name}: {value:g} is out of range (at most {limit:g})")
    return float(value)


def whole(value: object, name: str, *, low: int = 1, high: int) -> int:
    """``value`` if it is an int in ``[low, high]``, else AnnotationError."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AnnotationError(f"{name}: expected a whole number >= {low} and <= {high}, got {short(value)}")
    return value


def text(value: object, name: str, limit: int, *, multiline: bool = False) -> str:
    """``value`` if it is text of at most ``limit`` characters without control characters."""
    if not isinstance(value, str):
        raise AnnotationError(f"{name}: expected text, got {type(value).__name__}")
    if len(value) > limit:
        raise AnnotationError(f"{name}: {len(value)} characters, at most {limit} allowed")
    allowed = _MULTILINE_CONTROLS if multiline else frozenset()
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed) or category == "Cs":
            raise AnnotationError(f"{name}: contains the control character {char!r} at position {index + 1}"
                                  + ("; only line breaks and tabs are allowed" if multiline else ""))
    return value


def validate_uid(value: object, name: str) -> str:
    """Return ``value`` if it is a syntactically valid DICOM UID, else raise naming ``name``."""
    if not isinstance(value, str) or not value:
        raise AnnotationError(f"{name}: a DICOM UID is required, got {short(value)}")
    if len(value) > 64 or not _UID_RE.match(value):
        raise AnnotationError(f"{name}: {short(value)} is not a valid DICOM UID (digits and dots, <= 64)")
    return value


def short(value: object) -> str:
    """A value for a message, cut short: a hostile file's 5000-digit number stays one line."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a {value.bit_length()}-bit integer"
    try:
        shown = repr(value)
    except ValueError:  # holds an integer too long to print
        return f"a {type(value).__name__} with a huge number in it"
    return shown if len(shown) <= 60 else shown[:57] + "..."
