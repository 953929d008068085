"""Storage Commitment (push model): asking a PACS to take responsibility for the objects it stored.

A C-STORE Success only says the PACS received an object; a filter or a full disk may still drop it.
Before takehome deletes a local copy (``send --remove-sent``) it sends an N-ACTION listing what it
stored and waits for the PACS's N-EVENT-REPORT, which names each object as committed or failed.
PACSs send that report on the same association or, more often, on a new one to this workstation's
AE: then takehome listens on ``--commit-port`` (the port the PACS has configured for this AE).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import UID, generate_uid
from pynetdicom import AE, evt
from pynetdicom.association import Association

from takehome.handouts.dicom.errors import SendError

#: The Storage Commitment Push Model SOP Class and its well-known SOP Instance (PS3.4 J.3.5).
STORAGE_COMMITMENT = UID("1.2.840.10008.1.20.1")
COMMITMENT_INSTANCE = UID("1.2.840.10008.1.20.1.1")
#: N-EVENT-REPORT event types: all committed, some failed (PS3.4 J.3.3).
ALL_COMMITTED, SOME_FAILED = 1, 2
_FAILURE_REASONS = {0x0110: "processing failure", 0x0112: "no such object", 0x0119: "class/instance conflict",
                    0x0122: "SOP class not supported", 0x0131: "duplicate transaction UID",
                    0x0213: "resource limitation"}


@dataclass(slots=True)
class CommitmentResult:
    """The PACS's answer: objects it committed to keep, and those it failed with the reason."""

    committed: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)


class ReportWaiter:
    """Receives the N-EVENT-REPORT of one transaction, on whichever association it arrives."""

    def __init__(self) -> None:
        self.transaction = str(generate_uid(prefix=None))
        self.result: CommitmentResult | None = None
        self._arrived = threading.Event()

    def handle(self, event: Any) -> tuple[int, Dataset | None]:
        """pynetdicom's EVT_N_EVENT_REPORT handler."""
        info = event.event_information
        if str(info.get("TransactionUID", "")) != self.transaction:
            return 0x0119, None  # not ours (another transaction): say so, keep waiting
        result = CommitmentResult()
        for item in info.get("ReferencedSOPSequence", []):
            result.committed.add(str(item.ReferencedSOPInstanceUID))
        for item in info.get("FailedSOPSequence", []):
            code = int(item.get("FailureReason", 0x0110))
            result.failed[str(item.ReferencedSOPInstanceUID)] = _FAILURE_REASONS.get(
                code, f"failure reason 0x{code:04X}")
        self.result = result
        self._arrived.set()
        return 0x0000, None

    def wait(self, timeout: float) -> CommitmentResult | None:
        """The result, or None when no report arrived within ``timeout`` seconds."""
        self._arrived.wait(timeout)
        return self.result


def request(assoc: Association, objects: Sequence[tuple[str, str]], waiter: ReportWaiter) -> str | None:
    """Send the N-ACTION for ``objects`` ((SOP class, SOP instance) pairs); None when accepted,
    else why not (the PACS does not support storage commitment, or refused the request)."""
    if not any(c.abstract_syntax == STORAGE_COMMITMENT for c in assoc.accepted_contexts):
        return "the PACS does not support storage commitment"
    action = Dataset()
    action.TransactionUID = waiter.transaction
    items = []
    for sop_class, sop_instance in objects:
        item = Dataset()
        item.ReferencedSOPClassUID = sop_class
        item.ReferencedSOPInstanceUID = sop_instance
        items.append(item)
    action.ReferencedSOPSequence = items
    try:
        status, _ = assoc.send_n_action(action, 1, STORAGE_COMMITMENT, COMMITMENT_INSTANCE)
    except (ValueError, RuntimeError, OSError) as exc:
        return f"the storage commitment request could not be sent ({type(exc).__name__})"
    if "Status" not in status:
        return "the PACS did not answer the storage commitment request"
    code = int(status.Status)
    if code != 0x0000:
        return f"the PACS refused the storage commitment request (status 0x{code:04X})"
    return None


@contextmanager
def listening(calling_ae: str, port: int | None, waiter: ReportWaiter, *,
              address: str = "") -> Iterator[None]:
    """Accept the PACS's report on ``port`` (a new association to this AE) while the body runs."""
    if port is None:
        yield
        return
    ae = AE(ae_title=calling_ae)
    ae.add_supported_context(STORAGE_COMMITMENT, scu_role=True, scp_role=True)
    try:
        server = ae.start_server((address, port), block=False,
                                 evt_handlers=[(evt.EVT_N_EVENT_REPORT, waiter.handle)])
    except OSError as exc:
        raise SendError(f"--commit-port: cannot listen on port {port} for the storage commitment report "
                        f"({exc.strerror or exc}); choose a free port") from None
    try:
        yield
    finally:
        if server is not None:
            server.shutdown()
