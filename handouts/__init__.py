"""takehome.handouts: DICOM display, de-identification and the handout PDF (no Qt)."""

from __future__ import annotations

from takehome.handouts.build import (
    BuildResult,
    build_handout,
    build_pdf_bytes,
    session_from_files,
)
from takehome.handouts.errors import (
    DecodeError,
    DeidentificationError,
    HandoutError,
    InputError,
    OutputError,
)

__all__ = [
    "BuildResult",
    "DecodeError",
    "DeidentificationError",
    "HandoutError",
    "InputError",
    "OutputError",
    "build_handout",
    "build_pdf_bytes",
    "session_from_files",
]
