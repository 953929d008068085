"""What sending a handout to the PACS did (:func:`takehome.handouts.output.send_handout` runs it).

The objects are first written to an outbox folder on this computer, then sent; each file is
deleted only after the PACS stored it and committed to keeping it (storage commitment), so whatever
was not stored, or not committed, stays in the outbox and can be sent again with
``takehome send <outbox folder> --to …`` (same UIDs: the PACS never files it twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from takehome.handouts.dicom.export import DicomExport
from takehome.handouts.dicom.send import SendReport


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    """What was written to the outbox and what the PACS stored."""

    folder: Path
    written: DicomExport
    report: SendReport

    @property
    def complete(self) -> bool:
        return not self.report.failed

    @property
    def kept(self) -> list[Path]:
        """Stored files still in the outbox (the PACS did not commit to keeping them)."""
        return [o.path for o in self.report.stored if not o.removed]
