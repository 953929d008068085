"""The local audit log: one JSON line per export, naming instances and counts, never a person.

Each line holds the time (UTC), how the handout left (export to a file, print, send to a PACS),
the SOP Instance UIDs and frames used, what was redacted, dismissed or overridden (counts and
kinds), the redaction mode, the SHA-256 of the PDF and how many DICOM objects went with it. The
line is written before the outputs are put in place (:mod:`takehome.handouts.output`): no handout
leaves without its line. No names, IDs, dates of the patient, texts or file names are written.
Where the log lives: :func:`takehome.handouts.folders.audit_log_path`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from takehome.handouts.errors import OutputError
from takehome.handouts.folders import AUDIT_LOG_ENV as ENV_AUDIT_LOG
from takehome.handouts.folders import audit_log_path


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One export, as the audit log records it."""

    action: str  # "export" (files), "print" or "send" (to a PACS)
    mode: str  # redaction mode: auto, review, none
    images: tuple[Mapping[str, object], ...]
    text: Mapping[str, object]
    sha256: str
    pages: int
    dicom_objects: int = 0  # DICOM objects delivered with the PDF (--dicom-out, send)
    time: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        data: dict[str, Any] = {"time": self.time, "action": self.action, "redact_mode": self.mode,
                                "instances": list(self.images), "text": dict(self.text),
                                "pages": self.pages, "output_sha256": self.sha256,
                                "dicom_objects": self.dicom_objects}
        if self.mode == "none":
            data["warning"] = "burned-in text was not checked (--redact none)"
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_audit(record: AuditRecord, path: Path | None = None) -> Path:
    """Append ``record`` as one line (created with the directories if needed), flushed to disk."""
    target = path or audit_log_path()
    line = record.to_json() + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(
            f"{target}: the audit log could not be written ({exc.strerror or exc}); nothing was "
            f"exported. Make the folder writable or set {ENV_AUDIT_LOG} to a writable file") from None
    return target


def read_audit(path: Path | None = None) -> list[dict[str, Any]]:
    """Every line of the audit log, parsed (for checks and tests)."""
    target = path or audit_log_path()
    if not target.exists():
        return []
    return [json.loads(line) for line in target.read_text("utf-8").splitlines() if line.strip()]


def text_summary(removed_by_kind: Mapping[str, int], overridden: int,
                 texts_changed: int) -> dict[str, object]:
    """The text part of an audit line: counts per kind of removal, overrides."""
    return {"removed": sum(removed_by_kind.values()),
            "removed_by_kind": dict(sorted(removed_by_kind.items())),
            "overridden": overridden, "texts_changed": texts_changed}


def image_summaries(decisions: Sequence[Any]) -> tuple[Mapping[str, object], ...]:
    """The per-instance part of an audit line (from :class:`~takehome.handouts.deid.gate.ImageDecision`)."""
    return tuple(d.to_audit() for d in decisions)
