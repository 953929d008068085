"""One way out for a handout: every output of a build appears together, or nothing changes.

A :class:`Handout` has passed every check (the review gate, the scrubbing, the final file check)
but nothing is written yet. :func:`deliver` then writes its outputs — the PDF, the DICOM objects,
the audit line — as one transaction: each file is written under a temporary name in its target
folder and flushed to disk, the audit line is appended, then the files are renamed into place (the
DICOM objects first, the PDF last, so a new PDF never stands without its objects). On any failure
the temporary files are removed and every file that was replaced is put back: a previous good
handout is never destroyed and no partial set of objects stays behind. Temporary files left by a
killed build are removed by the next build into the same folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from takehome.annotations.input_file import InputFileError, check_path, printable_path
from takehome.annotations.model import Session
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.audit import AuditRecord, image_summaries, sha256_of, text_summary, write_audit
from takehome.handouts.deid.text import find_identifiers
from takehome.handouts.dicom.archive import ArchiveResult
from takehome.handouts.dicom.errors import SendError
from takehome.handouts.dicom.export import DicomExport, DicomObject, dicom_objects, state_notes
from takehome.handouts.dicom.header import dataset_bytes
from takehome.handouts.dicom.send import DEFAULT_CALLING_AE, DEFAULT_TIMEOUT, Peer, Progress, send_files
from takehome.handouts.errors import InputError, OutputError
from takehome.handouts.folders import outbox_dir
from takehome.handouts.pdf.document import PdfInfo
from takehome.handouts.prepare import DeidSummary, LoadedImage

#: What a delivery is for, as the audit log names it.
ACTIONS = ("export", "print", "send")
_TEMP = re.compile(r"^\..+\.(\d+)-[0-9a-f]{8}\.takehome-(partial|backup)$")


@dataclass(frozen=True, slots=True)
class Handout:
    """A built handout that passed every check; nothing of it is written yet."""

    session: Session  # its title is the printed (scrubbed) title
    loaded: tuple[LoadedImage, ...]
    pdf: bytes
    info: PdfInfo
    deid: DeidSummary
    identifiers: Identifiers


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a delivery wrote: the PDF (if asked for) and the DICOM objects (none unless asked for)."""

    handout: Handout
    out: Path | None
    dicom: DicomExport


def check_file_name(out: Path, identifiers: Identifiers, where: str = "--out") -> None:
    """Refuse a file name that holds one of the patient's identifiers (the name is shared too)."""
    hits = find_identifiers(out.name, identifiers)
    if hits:
        kinds = ", ".join(sorted({h.kind.value for h in hits}))
        raise InputError(f"{where}: the file name contains one of the patient's identifiers ({kinds}); "
                         "choose a neutral name such as handout.pdf")


# ----- the transaction ------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(folder: Path) -> None:
    """Remove temporary files that a killed build left in ``folder`` (never a running build's)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = _TEMP.match(entry.name)
            if found and int(found.group(1)) != os.getpid() and not _alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _write_fully(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask gives the usual mode
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(slots=True)
class _Staged:
    target: Path
    temp: Path
    where: str
    backup: Path | None = None
    placed: bool = False


class Transaction:
    """Files staged under temporary names in their target folders, then made visible together."""

    def __init__(self) -> None:
        self.staged: list[_Staged] = []
        self.created: list[Path] = []  # folders this transaction made (removed again on failure)
        self._tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def _folder(self, folder: Path, where: str) -> None:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            if probe.parent == probe:
                break
            probe = probe.parent
        try:
            for path in reversed(missing):
                path.mkdir()
                self.created.append(path)
        except OSError as exc:
            raise OutputError(f"{where}: the folder {folder} could not be created "
                              f"({exc.strerror or exc}); choose a writable place") from None
        if not folder.is_dir():
            raise OutputError(f"{where}: {folder} is not a folder")
        sweep_stale(folder)

    def stage(self, target: Path, data: bytes, where: str) -> None:
        """Write ``data`` next to ``target`` under a temporary name, flushed to disk."""
        if target.exists() and not target.is_file():
            raise OutputError(f"{where}: {target} exists and is not a file")
        self._folder(target.parent, where)
        temp = target.with_name(f".{target.name}.{self._tag}.takehome-partial")
        item = _Staged(target, temp, where)
        self.staged.append(item)
        try:
            _write_fully(temp, data)
        except OSError as exc:
            hint = ("the disk is full; free some space" if exc.errno == errno.ENOSPC
                    else "choose a writable place")
            raise OutputError(f"{where}: {target} could not be written ({exc.strerror or exc}); {hint}. "
                              "Nothing was exported") from None

    def commit(self) -> None:
        """Rename every staged file into place, in staging order; on failure undo every rename."""
        try:
            for item in self.staged:
                if item.target.exists():
                    item.backup = item.target.with_name(f".{item.target.name}.{self._tag}.takehome-backup")
                    os.link(item.target, item.backup)
                os.replace(item.temp, item.target)
                item.placed = True
        except OSError as exc:
            failed = next((i for i in self.staged if not i.placed), self.staged[-1])
            self._undo()
            raise OutputError(f"{failed.where}: {failed.target} could not be put in place "
                              f"({exc.strerror or exc}); every file was left as it was") from None
        for folder in dict.fromkeys(item.target.parent for item in self.staged):
            _sync_folder(folder)
        for item in self.staged:
            if item.backup is not None:
                with contextlib.suppress(OSError):
                    item.backup.unlink()

    def _undo(self) -> None:
        for item in reversed(self.staged):
            with contextlib.suppress(OSError):
                if item.placed and item.backup is not None:
                    os.replace(item.backup, item.target)
                elif item.placed:
                    item.target.unlink()
                elif item.backup is not None:
                    item.backup.unlink()
        self.abort()

    def abort(self) -> None:
        """Remove every temporary file and the folders this transaction created (if still empty)."""
        for item in self.staged:
            with contextlib.suppress(OSError):
                item.temp.unlink()
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()


@contextlib.contextmanager
def transaction() -> Iterator[Transaction]:
    """A :class:`Transaction` that is aborted (temporary files removed) when the block fails."""
    staged = Transaction()
    try:
        yield staged
    except BaseException:
        staged.abort()
        raise


# ----- delivering a handout -------------------------------------------------------------------

def _audit(action: str, handout: Handout, dicom_objects_written: int) -> None:
    summary = handout.deid
    write_audit(AuditRecord(
        action=action, mode=summary.redact_mode, images=image_summaries(summary.images),
        text=text_summary(summary.removed_by_kind, summary.overridden, summary.texts_changed),
        sha256=sha256_of(handout.pdf), pages=handout.info.pages, dicom_objects=dicom_objects_written))


def _usable(path: Path, option: str) -> Path:
    """``path`` with ``~`` expanded, or a clear error for a name the file system refuses."""
    try:
        return check_path(path)
    except InputFileError as exc:
        raise InputError(f"{option}: {exc}") from None


def deliver(handout: Handout, *, action: str, out: Path | None = None, dicom_out: Path | None = None,
            allow_multiple_patients: bool = False) -> Delivery:
    """Write the handout's outputs together, with one audit line: all of them, or none.

    ``out`` is the PDF to write, ``dicom_out`` the folder for its DICOM objects (key object
    selection, presentation states, the PDF encapsulated); ``action`` names the delivery in the
    audit log (export, print, send). Printing writes no file, only the audit line.
    """
    if action not in ACTIONS:
        raise ValueError(f"action: one of {', '.join(ACTIONS)}, got {action!r}")
    if out is not None:
        out = _usable(out, "--out")
        check_file_name(out, handout.identifiers)
    objects: Sequence[DicomObject] = ()
    if dicom_out is not None:
        dicom_out = _usable(dicom_out, "--dicom-out")
        try:
            if dicom_out.exists() and not dicom_out.is_dir():
                raise InputError(f"--dicom-out: {dicom_out} exists and is not a folder")
        except OSError as exc:
            raise InputError(f"--dicom-out: {printable_path(dicom_out)} cannot be used "
                             f"({exc.strerror or exc})") from None
        objects = dicom_objects(handout.session, list(handout.loaded), handout.pdf,
                                allow_multiple_patients=allow_multiple_patients)
    folder = dicom_out or Path()
    files = tuple(folder / obj.file_name for obj in objects)
    with transaction() as staged:
        for obj, target in zip(objects, files, strict=True):
            staged.stage(target, dataset_bytes(obj.dataset), "--dicom-out")
        if out is not None:
            staged.stage(out, handout.pdf, "--out")
        _audit(action, handout, len(files))
        staged.commit()
    notes = state_notes(list(handout.loaded)) if dicom_out is not None else ()
    return Delivery(handout, out, DicomExport(files, tuple(obj.kind for obj in objects), notes))


def send_handout(handout: Handout, peer: Peer, *, outbox: Path | None = None,
                 calling_ae: str = DEFAULT_CALLING_AE, timeout: float = DEFAULT_TIMEOUT,
                 commit_port: int | None = None, progress: Progress | None = None) -> ArchiveResult:
    """Deliver the handout's DICOM objects into a new outbox folder (audited as a send), then store
    them on ``peer``; each file is removed only once the PACS stored it and committed to keeping it
    (storage commitment, its report received on ``commit_port``); the rest stays to resend.

    Raises SendError (association failed: every file kept) or a HandoutError (nothing written).
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = (outbox or outbox_dir()) / stamp
    delivery = deliver(handout, action="send", dicom_out=folder)
    try:
        report = send_files(list(delivery.dicom.files), peer, calling_ae=calling_ae, timeout=timeout,
                            remove_sent=True, commit_port=commit_port, progress=progress)
    except SendError as exc:
        raise SendError(f"{exc}. The objects were kept in {folder}.") from None
    if not report.failed:
        with contextlib.suppress(OSError):
            folder.rmdir()  # empty: everything was confirmed and removed
    return ArchiveResult(folder, delivery.dicom, report)


def with_printed_title(session: Session, title: str) -> Session:
    """``session`` carrying the title the handout printed (scrubbed), for the DICOM objects."""
    return replace(session, title=title) if session.title.strip() else session
