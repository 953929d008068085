"""takehome send against real DICOM peers (dcmtk): stored byte for byte, clear errors, never a hang."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pydicom
import pytest
from pynetdicom.dsutils import split_dataset

from takehome.annotations.model import Session
from takehome.handouts.cli import main
from takehome.handouts.dicom import Peer, SendError, collect_files, export_dicom, send_files
from tests.handouts.dicom.conftest import Study
from tests.handouts.dicom.scp import dcmqrscp, free_port, storescp


@pytest.fixture
def outbox(study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    export_dicom(session_factory(study), folder, pdf=b"%PDF-1.4\n%%EOF\n")
    return folder


def dataset_bytes(path: Path) -> bytes:
    """The file's dataset, without preamble and file meta (a receiver writes its own meta)."""
    _, offset = split_dataset(path)
    return path.read_bytes()[offset:]


def test_send_stores_every_object_byte_for_byte(outbox: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    received = tmp_path / "received"
    with storescp(received) as port:
        code = main(["send", str(outbox), "--to", f"STORESCP@127.0.0.1:{port}", "--timeout", "5"])
    out = capsys.readouterr()
    assert code == 0, out.err
    sent = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): p for p in outbox.iterdir()}
    got = {str(pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID): p for p in received.iterdir()}
    assert set(got) == set(sent) and len(sent) == 5
    for uid, path in sent.items():
        assert dataset_bytes(got[uid]) == dataset_bytes(path), path.name
        meta = pydicom.dcmread(got[uid], stop_before_pixels=True).file_meta
        assert meta.TransferSyntaxUID == pydicom.dcmread(path).file_meta.TransferSyntaxUID
    assert f"5 of 5 object(s) stored on STORESCP@127.0.0.1:{port}" in out.out
    assert sorted(p.name for p in outbox.iterdir()) == sorted(p.name for p in sent.values())  # kept


def test_remove_sent_keeps_files_a_pacs_cannot_commit_to(outbox: Path, tmp_path: Path) -> None:
    """storescp stores but has no storage commitment: a C-STORE Success alone removes nothing."""
    files = collect_files(outbox)
    with storescp(tmp_path / "received") as port:
        report = send_files(files, Peer("STORESCP", "127.0.0.1", port), timeout=5, remove_sent=True)
    assert all(o.stored and not o.removed for o in report.outcomes)
    assert all("does not support storage commitment" in o.message for o in report.outcomes)
    assert sorted(outbox.iterdir()) == sorted(files)


def test_a_refused_association_is_a_clear_error_and_keeps_the_files(outbox: Path, tmp_path: Path,
                                                                    capsys) -> None:
    before = sorted(outbox.iterdir())
    with storescp(tmp_path / "received", "--refuse") as port:
        started = time.monotonic()
        code = main(["send", str(outbox), "--to", f"STORESCP@127.0.0.1:{port}", "--timeout", "5",
                     "--remove-sent"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2
    assert "refused the association" in err and "AE title" in err
    assert elapsed < 5
    assert sorted(outbox.iterdir()) == before


def test_a_wrong_called_ae_title_is_refused_with_the_reason(outbox: Path, tmp_path: Path) -> None:
    with dcmqrscp(tmp_path / "archive", ae_title="ARCHIVE") as port:
        with pytest.raises(SendError, match=r"refused the association.*Called AE title not recognised"):
            # the refusal comes at once; the long timeout only keeps a loaded machine from timing out
            send_files(collect_files(outbox), Peer("WRONG", "127.0.0.1", port), timeout=30)
        report = send_files(collect_files(outbox), Peer("ARCHIVE", "127.0.0.1", port), timeout=30)
    assert len(report.stored) == 5 and report.failed == []


def test_a_closed_port_is_a_clear_error_at_once(outbox: Path, capsys) -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    code = main(["send", str(outbox), "--to", f"PACS@127.0.0.1:{port}", "--timeout", "3"])
    assert time.monotonic() - started < 3
    assert code == 2
    assert "nothing accepts connections" in capsys.readouterr().err


@pytest.fixture
def silent_peer() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def test_a_silent_peer_times_out_instead_of_hanging(outbox: Path, silent_peer: int) -> None:
    started = time.monotonic()
    with pytest.raises(SendError, match=r"no answer .* within 1 s"):
        send_files(collect_files(outbox), Peer("PACS", "127.0.0.1", silent_peer), timeout=1)
    assert time.monotonic() - started < 5


def test_an_object_the_peer_does_not_accept_is_reported_and_kept(outbox: Path, tmp_path: Path) -> None:
    strange = outbox / "strange.dcm"
    ds = pydicom.dcmread(next(outbox.glob("KO_*")))
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.826.0.1.3680043.9.9999.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    ds.save_as(strange, enforce_file_format=True)
    with storescp(tmp_path / "received") as port:
        report = send_files(collect_files(outbox), Peer("STORESCP", "127.0.0.1", port), timeout=5,
                            remove_sent=True)
    (failed,) = report.failed
    assert failed.path == strange and "does not accept" in failed.message
    assert strange.exists() and len(report.stored) == 5


def test_bad_addresses_and_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SendError, match="not AE@host:port"):
        Peer.parse("127.0.0.1:104")
    with pytest.raises(SendError, match="port 'x'"):
        Peer.parse("PACS@host:x")
    with pytest.raises(SendError, match="1 to 16"):
        Peer.parse("A-NAME-FAR-TOO-LONG@host:104")
    with pytest.raises(SendError, match="no such folder"):
        collect_files(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SendError, match="holds no DICOM files"):
        collect_files(tmp_path / "empty")
    assert Peer.parse("PACS@[::1]:11112") == Peer("PACS", "::1", 11112)


def test_send_handout_empties_its_outbox_only_when_everything_was_stored(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    from takehome.handouts.build import make_handout
    from takehome.handouts.output import send_handout

    handout = make_handout(session_factory(study), redact="none")
    with storescp(tmp_path / "received") as port:
        result = send_handout(handout, Peer("STORESCP", "127.0.0.1", port), outbox=tmp_path / "outbox",
                              timeout=5)
    stored = len(result.written.files)
    assert result.complete and len(list((tmp_path / "received").iterdir())) == stored == 5
    # stored, but storescp cannot commit to keeping them: the outbox keeps them all
    assert sorted(result.kept) == sorted(result.folder.iterdir()) and len(result.kept) == stored
    with pytest.raises(SendError, match="nothing accepts connections"):
        send_handout(handout, Peer("PACS", "127.0.0.1", free_port()), outbox=tmp_path / "outbox", timeout=2)
    kept = [f for f in (tmp_path / "outbox").iterdir() if f != result.folder]
    assert len(kept) == 1 and len(list(kept[0].iterdir())) == stored  # the failed attempt waits to be sent


def test_the_takehome_command_sends_as_a_separate_process(outbox: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    received = tmp_path / "received"
    with storescp(received) as port:
        run = subprocess.run([sys.executable, "-m", "takehome.handouts.cli", "send", str(outbox), "--to",
                              f"STORESCP@127.0.0.1:{port}", "--timeout", "5"],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "5 of 5 object(s) stored" in run.stdout
    assert len(list(received.iterdir())) == 5
