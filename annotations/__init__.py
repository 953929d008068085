"""takehome.annotations: the typed model of a consultation (no Qt), saved as versioned JSON."""

from __future__ import annotations

from takehome.annotations.errors import AnnotationError, SessionFileError, TakehomeError
from takehome.annotations.model import (
    SCHEMA_VERSION,
    Crop,
    Excerpt,
    KeyImage,
    Overlay,
    Point,
    Session,
    ShapeKind,
    Window,
)
from takehome.annotations.session_file import (
    dumps_session,
    load_session,
    loads_session,
    save_session,
)
from takehome.annotations.spacing import Length, Spacing, SpacingSource, line_length, spacing_for

__all__ = [
    "SCHEMA_VERSION",
    "AnnotationError",
    "Crop",
    "Excerpt",
    "KeyImage",
    "Length",
    "Overlay",
    "Point",
    "Session",
    "SessionFileError",
    "ShapeKind",
    "Spacing",
    "SpacingSource",
    "TakehomeError",
    "Window",
    "dumps_session",
    "line_length",
    "load_session",
    "loads_session",
    "save_session",
    "spacing_for",
]
