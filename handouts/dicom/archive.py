"""Archiving a consultation on the PACS in one call (what the plugin's "Send to PACS" button runs).

The objects are first written to an outbox folder on this computer, then sent; each file is
deleted only after the PACS stored it and committed to keeping it (storage commitment), so whatever
was not stored, or not committed, stays in the outbox and can be sent again with
``takehome send <outbox folder> --to …`` (same UIDs: the PACS never files it twice).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from takehome.annotations.model import Session
from takehome.handouts.dicom.errors import SendError
from takehome.handouts.dicom.export import DicomExport, dicom_objects, state_notes, write_objects
from takehome.handouts.dicom.send import (
    DEFAULT_CALLING_AE,
    DEFAULT_TIMEOUT,
    Peer,
    Progress,
    SendReport,
    send_files,
)
from takehome.handouts.folders import outbox_dir
from takehome.handouts.prepare import load_images


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


def archive_session(session: Session, pdf: bytes | None, peer: Peer, *,
                    base_dir: str | os.PathLike[str] | None = None, outbox: Path | None = None,
                    calling_ae: str = DEFAULT_CALLING_AE, timeout: float = DEFAULT_TIMEOUT,
                    commit_port: int | None = None, progress: Progress | None = None) -> ArchiveResult:
    """Write the session's DICOM objects (and the handout ``pdf``) to an outbox folder, send them.

    Raises SendError (association failed: every file kept) or a HandoutError (objects not built).
    """
    loaded = load_images(session, base_dir)
    objects = dicom_objects(session, loaded, pdf)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = (outbox or outbox_dir()) / stamp
    written = write_objects(objects, folder, state_notes(loaded))
    try:
        report = send_files(list(written.files), peer, calling_ae=calling_ae, timeout=timeout,
                            remove_sent=True, commit_port=commit_port, progress=progress)
    except SendError as exc:
        raise SendError(f"{exc}. The objects were kept in {folder}.") from None
    if not report.failed:
        with contextlib.suppress(OSError):
            folder.rmdir()  # empty: everything was confirmed and removed
    return ArchiveResult(folder, written, report)
