"""Errors raised while writing, reading or sending DICOM objects."""

from __future__ import annotations

from takehome.handouts.errors import HandoutError, InputError


class DicomExportError(HandoutError):
    """The session cannot be expressed as DICOM objects (the message says why and what to do)."""


class DicomImportError(InputError):
    """A study's DICOM object (KOS, presentation state) cannot be read."""


class SendError(HandoutError):
    """Sending to the DICOM peer failed: refused, unreachable, timed out, or objects rejected."""
