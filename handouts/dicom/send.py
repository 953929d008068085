"""Storing takehome's DICOM objects on a PACS with C-STORE (pynetdicom).

Files are sent exactly as written (the dataset bytes are streamed from disk), one association for
the lot. Each file's outcome is reported; a file is removed locally only when asked to, only after
the peer answered its C-STORE with Success and then committed to keeping it (Storage Commitment,
``commitment.py``). A PACS without storage commitment keeps the files, and the reason is said.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydicom.filereader import read_file_meta_info
from pydicom.uid import UID
from pynetdicom import AE, _config, evt
from pynetdicom.association import Association
from pynetdicom.presentation import build_context
from pynetdicom.transport import AssociationSocket

from takehome.handouts.dicom.commitment import STORAGE_COMMITMENT, ReportWaiter, listening
from takehome.handouts.dicom.commitment import request as request_commitment
from takehome.handouts.dicom.errors import SendError

DEFAULT_CALLING_AE = "TAKEHOME"
DEFAULT_TIMEOUT = 10.0
_AE_RE = re.compile(r"^[\x20-\x5b\x5d-\x7e]{1,16}$")  # default character repertoire, no backslash
#: C-STORE warning statuses: the object was stored (perhaps coerced).
_WARNINGS = {0xB000, 0xB006, 0xB007}

Progress = Callable[[int, int, Path], None]


def _shutdown_and_close(self: AssociationSocket) -> None:
    """Shut down and always close the socket.

    pynetdicom 3.0's version skips ``close()`` when ``shutdown()`` fails, which it does for a socket
    that never connected (refused port), leaking the socket on every failed association.
    """
    sock = self.socket
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()


AssociationSocket._shutdown_socket = _shutdown_and_close  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Peer:
    """A DICOM Storage SCP: its AE title, host and port."""

    ae_title: str
    host: str
    port: int

    def __post_init__(self) -> None:
        if not _AE_RE.match(self.ae_title) or not self.ae_title.strip():
            raise SendError(f"--to: AE title {self.ae_title!r} must be 1 to 16 printable characters")
        if not self.host:
            raise SendError("--to: the host is missing (expected AE@host:port)")
        if not 1 <= self.port <= 65535:
            raise SendError(f"--to: port {self.port} must be between 1 and 65535")

    @classmethod
    def parse(cls, text: str) -> Peer:
        """``AE@host:port`` (IPv6 hosts in brackets: ``AE@[::1]:104``)."""
        ae, at, rest = text.rpartition("@")
        host, colon, port = rest.rpartition(":")
        if not at or not colon or not ae:
            raise SendError(f"--to: {text!r} is not AE@host:port (for example PACS@10.0.0.5:104)")
        try:
            number = int(port)
        except ValueError:
            raise SendError(f"--to: port {port!r} in {text!r} is not a number") from None
        return cls(ae, host.strip("[]"), number)

    def __str__(self) -> str:
        return f"{self.ae_title}@{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one file."""

    path: Path
    stored: bool
    status: int | None
    message: str
    removed: bool = False


@dataclass(slots=True)
class SendReport:
    """Every file's outcome, in the order sent."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def stored(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.stored]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.stored]


@dataclass(frozen=True, slots=True)
class _Item:
    path: Path
    sop_class: UID
    transfer_syntax: UID
    sop_instance: str


def collect_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The DICOM Part 10 files in ``folder`` (sorted; hidden and temporary files skipped)."""
    root = Path(folder)
    if not root.is_dir():
        raise SendError(f"{root}: no such folder; give the folder written by --dicom-out")
    files = [p for p in sorted(root.iterdir()) if p.is_file() and not p.name.startswith(".")
             and _is_part10(p)]
    if not files:
        raise SendError(f"{root}: holds no DICOM files to send")
    return files


def _is_part10(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:132] == b"DICM"


def _item(path: Path) -> _Item:
    try:
        meta = read_file_meta_info(path)
        return _Item(path, UID(meta.MediaStorageSOPClassUID), UID(meta.TransferSyntaxUID),
                     str(meta.MediaStorageSOPInstanceUID))
    except Exception:
        raise SendError(f"{path}: not a readable DICOM file (its file meta information is missing or "
                        "damaged); nothing was sent") from None


class _Collect(logging.Handler):
    """Keeps pynetdicom's messages to explain a failure in one line, and off the terminal."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_network() -> Iterator[_Collect]:
    logger = logging.getLogger("pynetdicom")
    handler = _Collect()
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    chunked = _config.STORE_SEND_CHUNKED_DATASET
    _config.STORE_SEND_CHUNKED_DATASET = True  # stream the file's dataset bytes as written
    try:
        yield handler
    finally:
        _config.STORE_SEND_CHUNKED_DATASET = chunked
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _association_error(assoc: Association, peer: Peer, calling: str, timeout: float,
                       messages: Sequence[str]) -> SendError:
    text = " ".join(messages)
    if assoc.is_rejected:
        reason = next((m.split(":", 1)[1].strip() for m in messages if m.startswith("Reason:")), "")
        hint = ("check the AE titles: the PACS must know this workstation's AE title "
                f"{calling!r} and be called as {peer.ae_title!r}")
        return SendError(f"{peer}: the PACS refused the association"
                         f"{' (' + reason + ')' if reason else ''}; {hint}")
    if "No accepted presentation contexts" in text:
        return SendError(f"{peer}: the PACS accepts none of these kinds of objects (KOS, presentation "
                         "state, encapsulated PDF); ask its administrator to enable them")
    lowered = text.lower()
    if "unable to connect" in lowered or "tcp initialisation error" in lowered:
        if "refused" in lowered:
            return SendError(f"{peer}: cannot connect: nothing accepts connections at "
                             f"{peer.host}:{peer.port}; check the host and port and that the PACS is running")
        if "timed out" in lowered:
            return SendError(f"{peer}: no answer from {peer.host}:{peer.port} within {timeout:g} s; "
                             "check the address, the network and the firewall")
        if "name or service" in lowered or "nodename" in lowered or "not known" in lowered:
            return SendError(f"{peer}: host {peer.host!r} not found; check its name or use its IP address")
        detail = next((m.split(":", 1)[1].strip() for m in messages if "Initialisation Error" in m), "")
        return SendError(f"{peer}: cannot connect ({detail or 'network error'}); check the host and port")
    if "unknown pdu type" in lowered or "invalid a-associate response" in lowered:
        return SendError(f"{peer}: what answers at {peer.host}:{peer.port} does not speak DICOM; "
                         "check the port number")
    if "timeout" in lowered:
        return SendError(f"{peer}: no answer from the PACS within {timeout:g} s; check the address "
                         "and that the PACS is running")
    # an abort while negotiating: often a refusal whose answer was cut off by the closed connection
    return SendError(f"{peer}: the PACS refused the association or broke it off before it was set up; "
                     f"check the AE titles: the PACS must know this workstation's AE title {calling!r} "
                     f"and be called as {peer.ae_title!r}; its log says more")


def _status_message(status: int) -> str:
    if status == 0x0000:
        return "stored"
    if status in _WARNINGS:
        return f"stored with a warning (status 0x{status:04X}: the PACS changed some attributes)"
    if 0xA700 <= status <= 0xA7FF:
        return f"refused: the PACS is out of resources (status 0x{status:04X})"
    if 0xA900 <= status <= 0xA9FF or status == 0xB007:
        return f"refused: the PACS says the object does not match its SOP class (status 0x{status:04X})"
    if 0xC000 <= status <= 0xCFFF:
        return f"refused: the PACS cannot understand the object (status 0x{status:04X})"
    if status == 0x0122:
        return "refused: the PACS does not support this kind of object (status 0x0122)"
    if status == 0x0124:
        return "refused: not authorised by the PACS (status 0x0124)"
    return f"refused by the PACS (status 0x{status:04X})"


def send_files(files: Sequence[str | os.PathLike[str]], peer: Peer, *,
               calling_ae: str = DEFAULT_CALLING_AE, timeout: float = DEFAULT_TIMEOUT,
               remove_sent: bool = False, commit_port: int | None = None,
               progress: Progress | None = None) -> SendReport:
    """C-STORE each file to ``peer``; raise SendError when no association can be made.

    Per-file refusals are reported in the result, not raised. With ``remove_sent`` a file is deleted
    only after the peer answered Success for it and committed to keeping it (Storage Commitment; its
    report comes on the association, or on ``commit_port`` where this AE listens for it).
    """
    if not _AE_RE.match(calling_ae):
        raise SendError(f"--aet: AE title {calling_ae!r} must be 1 to 16 printable characters")
    if timeout <= 0:
        raise SendError(f"--timeout: must be more than 0 seconds, got {timeout:g}")
    items = [_item(Path(f)) for f in files]
    if not items:
        raise SendError("nothing to send: no files given")
    ae = AE(ae_title=calling_ae)
    for name in ("acse_timeout", "dimse_timeout", "network_timeout", "connection_timeout"):
        setattr(ae, name, timeout)
    contexts = sorted({(i.sop_class, i.transfer_syntax) for i in items})
    if len(contexts) > 127:
        raise SendError(f"{len(contexts)} kinds of objects: more than one association can carry (127)")
    requested = [build_context(sop, [ts]) for sop, ts in contexts]
    if remove_sent:
        requested.append(build_context(STORAGE_COMMITMENT))
    report = SendReport()
    waiter = ReportWaiter()
    with _quiet_network() as log, listening(calling_ae, commit_port, waiter):
        try:
            assoc = ae.associate(peer.host, peer.port, contexts=requested, ae_title=peer.ae_title,
                                 evt_handlers=[(evt.EVT_N_EVENT_REPORT, waiter.handle)])
        except OSError as exc:  # the host name does not resolve
            raise SendError(f"{peer}: host {peer.host!r} not found ({exc.strerror or exc}); check its "
                            "name or use its IP address") from None
        if not assoc.is_established:
            raise _association_error(assoc, peer, calling_ae, timeout, log.messages)
        try:
            _store_all(assoc, items, report, progress, timeout)
            if remove_sent:
                _commit_and_remove(assoc, items, report, waiter, timeout, commit_port)
        finally:
            if assoc.is_established:
                assoc.release()
    return report


def _store_all(assoc: Association, items: Sequence[_Item], report: SendReport, progress: Progress | None,
               timeout: float) -> None:
    for index, item in enumerate(items, start=1):
        if progress is not None:
            progress(index, len(items), item.path)
        report.outcomes.append(_store(assoc, item, timeout))
        if not assoc.is_established:
            for rest in items[index:]:
                report.outcomes.append(Outcome(rest.path, False, None,
                                               "not sent: the association ended early"))
            return


def _commit_and_remove(assoc: Association, items: Sequence[_Item], report: SendReport,
                       waiter: ReportWaiter, timeout: float, commit_port: int | None) -> None:
    """Ask the PACS to commit to what it stored; delete only what it committed to keeping."""
    stored = [(index, items[index]) for index, o in enumerate(report.outcomes) if o.status == 0x0000]
    if not stored:
        return
    reason = (request_commitment(assoc, [(str(i.sop_class), i.sop_instance) for _, i in stored], waiter)
              if assoc.is_established else "the association ended before storage commitment")
    result = waiter.wait(timeout) if reason is None else None
    if reason is None and result is None:
        reason = f"no storage commitment report from the PACS within {timeout:g} s"
        if commit_port is None:
            reason += ("; if the PACS sends it on a new association, give --commit-port (the port the "
                       "PACS has configured for this workstation's AE title)")
    for index, item in stored:
        outcome = report.outcomes[index]
        if result is None:
            report.outcomes[index] = replace(outcome, message=f"{outcome.message}; kept: {reason}, so "
                                             "takehome cannot be sure the PACS keeps it")
        elif item.sop_instance in result.failed:
            report.outcomes[index] = replace(outcome, stored=False, message=(
                "received but NOT kept by the PACS (storage commitment failed: "
                f"{result.failed[item.sop_instance]}); the file was kept"))
        elif item.sop_instance in result.committed:
            report.outcomes[index] = replace(outcome, message=f"{outcome.message} and committed",
                                             removed=_unlink(item.path))
        else:
            report.outcomes[index] = replace(outcome, message=f"{outcome.message}; kept: the PACS's storage "
                                             "commitment report does not mention it")


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True


def _store(assoc: Association, item: _Item, timeout: float) -> Outcome:
    try:
        status = assoc.send_c_store(item.path)
    except ValueError:
        return Outcome(item.path, False, None, f"not sent: the PACS does not accept "
                       f"{item.sop_class.name} in {item.transfer_syntax.name}")
    except RuntimeError:  # the association ended (the PACS went away) before this file
        return Outcome(item.path, False, None, "not sent: the connection to the PACS was lost")
    except (OSError, AttributeError) as exc:
        return Outcome(item.path, False, None, f"not sent: {type(exc).__name__}: {exc}")
    if "Status" not in status:
        return Outcome(item.path, False, None,
                       f"no confirmation from the PACS within {timeout:g} s; the file was kept")
    code = int(status.Status)
    stored = code == 0x0000 or code in _WARNINGS
    return Outcome(item.path, stored, code, _status_message(code))
