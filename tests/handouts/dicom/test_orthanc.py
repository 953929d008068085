"""takehome against a real PACS (Orthanc): stored once in the right study, committed before removal,
nothing lost or duplicated when the PACS dies mid-send, and the objects import back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from takehome.annotations.model import Session
from takehome.handouts.dicom import Peer, collect_files, export_dicom, send_files
from takehome.handouts.dicom.read import apply_study, scan_folder
from tests.handouts.dicom.conftest import Study
from tests.handouts.dicom.orthanc import AET, CLIENT_AET, DROP_PDF_FILTER, Orthanc, orthanc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _uids(folder: Path) -> dict[str, str]:
    """SOP Instance UID -> SOP Class UID of every object in ``folder``."""
    return {str(ds.SOPInstanceUID): str(ds.SOPClassUID)
            for ds in (pydicom.dcmread(p, stop_before_pixels=True) for p in sorted(folder.iterdir()))}


def _send(folder: Path, server: Orthanc, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "takehome.handouts.cli", "send", str(folder), "--to",
                           server.peer, "--aet", CLIENT_AET, "--timeout", "10", *extra],
                          capture_output=True, text=True, timeout=120, check=False)


def _assert_each_once_in_study(server: Orthanc, expected: dict[str, str], study_uid: str) -> None:
    stored = server.instances()
    counts = Counter(item["sop"] for item in stored)
    assert set(counts) == set(expected) and max(counts.values()) == 1, counts
    assert {item["study"] for item in stored} == {study_uid}
    assert {item["sop"]: item["class"] for item in stored} == expected


def test_send_with_commitment_stores_each_object_once_then_removes(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    export_dicom(session_factory(study), outbox, pdf=PDF)
    expected = _uids(outbox)
    with orthanc(tmp_path / "pacs") as server:
        done = _send(outbox, server, "--remove-sent", "--commit-port", str(server.commit_port))
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count("and committed (removed locally)") == len(expected) == 5
        study_uid = str(pydicom.dcmread(study.ct1, stop_before_pixels=True).StudyInstanceUID)
        _assert_each_once_in_study(server, expected, study_uid)
        # the objects come back from the PACS and import into a new session as they were drawn
        back = tmp_path / "back"
        back.mkdir()
        for item in server.instances():
            (back / f"{item['id']}.dcm").write_bytes(server.file(item["id"]))
    for image in study.images:
        shutil.copy(image, back / image.name)
    restored = apply_study(Session(), scan_folder(back))
    assert [k.key for k in restored.key_images] == [k.key for k in session_factory(study).key_images]
    assert [len(k.overlays) for k in restored.key_images] == [
        len(k.overlays) for k in session_factory(study).key_images]
    assert list(outbox.iterdir()) == []


def test_a_pacs_that_drops_an_object_keeps_the_local_copy(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    """Orthanc's filter discards the PDF yet answers C-STORE Success: storage commitment catches it."""
    outbox = tmp_path / "outbox"
    export_dicom(session_factory(study), outbox, pdf=PDF)
    with orthanc(tmp_path / "pacs", lua=DROP_PDF_FILTER) as server:
        done = _send(outbox, server, "--remove-sent", "--commit-port", str(server.commit_port))
    assert done.returncode == 3, done.stdout + done.stderr
    (left,) = outbox.iterdir()
    assert left.name.startswith("PDF_")
    assert "NOT kept by the PACS" in done.stdout and "no such object" in done.stdout


def test_without_a_report_nothing_is_removed_and_the_reason_is_said(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    """Orthanc reports on a new association: without --commit-port no report comes, files stay."""
    outbox = tmp_path / "outbox"
    export_dicom(session_factory(study), outbox, pdf=PDF)
    before = sorted(outbox.iterdir())
    with orthanc(tmp_path / "pacs") as server:
        report = send_files(before, Peer(AET, "127.0.0.1", server.dicom_port), calling_ae=CLIENT_AET,
                            timeout=3, remove_sent=True)
    assert all(o.stored and not o.removed for o in report.outcomes)
    assert all("give --commit-port" in o.message for o in report.outcomes)
    assert sorted(outbox.iterdir()) == before


def test_rebuilding_and_resending_never_files_the_handout_twice(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    session = session_factory(study)
    first, second = tmp_path / "first", tmp_path / "second"
    export_dicom(session, first, pdf=PDF)
    export_dicom(session, second, pdf=PDF)  # a retry builds the objects again
    assert _uids(first) == _uids(second)
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
    with orthanc(tmp_path / "pacs") as server:
        assert _send(first, server).returncode == 0
        assert _send(second, server).returncode == 0
        assert _send(first, server).returncode == 0
        study_uid = str(pydicom.dcmread(study.ct1, stop_before_pixels=True).StudyInstanceUID)
        _assert_each_once_in_study(server, _uids(first), study_uid)
    changed = tmp_path / "changed"
    export_dicom(session.with_images(session.key_images[:2]), changed, pdf=PDF)
    kinds = {"KO": "1.2.840.10008.5.1.4.1.1.88.59", "PDF": "1.2.840.10008.5.1.4.1.1.104.1"}
    for sop_class in kinds.values():  # other content: other UIDs (an unchanged state keeps its own)
        assert ({u for u, c in _uids(changed).items() if c == sop_class}
                .isdisjoint(u for u, c in _uids(first).items() if c == sop_class))


def test_killing_the_pacs_mid_send_then_resending_loses_and_duplicates_nothing(
        study: Study, session_factory: Callable[[Study], Session], tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    export_dicom(session_factory(study), outbox, pdf=PDF)
    expected = _uids(outbox)
    files = collect_files(outbox)
    pacs = tmp_path / "pacs"
    with orthanc(pacs) as server:
        ports = {"dicom_port": server.dicom_port, "http_port": server.http_port,
                 "commit_port": server.commit_port}

        def kill_after_two(index: int, total: int, path: Path) -> None:
            if index == 3:
                server.kill()

        report = send_files(files, Peer(AET, "127.0.0.1", server.dicom_port), calling_ae=CLIENT_AET,
                            timeout=5, remove_sent=True, commit_port=server.commit_port,
                            progress=kill_after_two)
    assert len(report.stored) == 2 and not any(o.removed for o in report.outcomes)
    assert sorted(outbox.iterdir()) == files  # nothing removed without a commitment
    with orthanc(pacs, **ports) as again:  # the same archive, restarted
        assert len(again.instances()) == 2
        done = _send(outbox, again, "--remove-sent", "--commit-port", str(again.commit_port))
        assert done.returncode == 0, done.stdout + done.stderr
        study_uid = str(pydicom.dcmread(study.ct1, stop_before_pixels=True).StudyInstanceUID)
        _assert_each_once_in_study(again, expected, study_uid)
    assert list(outbox.iterdir()) == []


@pytest.mark.parametrize("argv, words", [
    (["--commit-port", "70000", "--remove-sent"], "--commit-port: port 70000"),
    (["--commit-port", "4000"], "only used with --remove-sent"),
])
def test_commit_port_is_checked(argv: list[str], words: str, tmp_path: Path) -> None:
    from takehome.handouts.cli import main

    (tmp_path / "x").mkdir()
    assert main(["send", str(tmp_path / "x"), "--to", "A@127.0.0.1:104", *argv]) == 2
