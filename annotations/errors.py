"""Errors raised by the annotations model; every takehome error derives from TakehomeError."""

from __future__ import annotations


class TakehomeError(Exception):
    """Base of every error takehome raises on purpose (bad input, failed output)."""


class AnnotationError(TakehomeError, ValueError):
    """A consultation model value is invalid (names the field and the problem)."""


class SessionFileError(AnnotationError):
    """A session JSON file cannot be read or does not validate."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{field}: {problem}")


class NewerSessionError(SessionFileError):
    """A session file was written by a newer takehome (a higher schema version than this one reads)."""

    def __init__(self, path: str, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(path, "schema_version", f"written by a newer takehome (version {found}; this one "
                                                 f"reads version {supported}); update takehome to open it")
