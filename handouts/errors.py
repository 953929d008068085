"""Errors raised while turning DICOM images and a session into a handout."""

from __future__ import annotations

from takehome.annotations.errors import TakehomeError


class HandoutError(TakehomeError):
    """Base for every handout problem the user can act on."""


class InputError(HandoutError, ValueError):
    """An input file (DICOM, session, template) cannot be used; the message says which and why."""


class DecodeError(InputError):
    """A DICOM image's pixels cannot be decoded or displayed."""


class DeidentificationError(HandoutError):
    """De-identification could not be guaranteed, so nothing was written (fail closed)."""


class OutputError(HandoutError, OSError):
    """The handout could not be written; no partial file was left behind."""
