"""Atomic outcomes: the PDF, the DICOM objects and the audit line appear together or nothing changes.

Faults are real: a full disk (os.write failing with ENOSPC at each write in turn, and a small tmpfs
when the tests may mount one), a read-only file system, an unwritable audit log, a failing rename,
and a build killed with SIGKILL at each rename.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from takehome.handouts.build import build_handout, make_handout, session_from_files
from takehome.handouts.cli import main
from takehome.handouts.deid.audit import read_audit
from takehome.handouts.errors import OutputError
from takehome.handouts.output import Handout, deliver
from tests.handouts.dicom.conftest import Study, write_study


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return write_study(tmp_path / "study")


@pytest.fixture
def handout(study: Study) -> Handout:
    return make_handout(session_from_files([study.ct1, study.ct2], ["A small cyst."]), redact="none")


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under ``folders`` (hidden ones too) with the hash of its content."""
    files: dict[str, str] = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def previous_good(handout: Handout, out: Path, dicom: Path) -> dict[str, str]:
    """A first, successful delivery: the files a failed one must leave untouched."""
    deliver(handout, action="export", out=out, dicom_out=dicom)
    before = snapshot(out.parent, dicom)
    assert len(before) == 4  # the PDF and three objects (KO, GSPS, PDF)
    return before


def test_a_delivery_writes_everything_and_one_audit_line(handout: Handout, tmp_path: Path,
                                                         _audit_log_in_tmp: Path) -> None:
    out, dicom = tmp_path / "out" / "handout.pdf", tmp_path / "dicom" / "new"
    delivery = deliver(handout, action="export", out=out, dicom_out=dicom)
    assert out.read_bytes() == handout.pdf
    assert sorted(p.name.split("_")[0] for p in dicom.iterdir()) == ["GSPS", "KO", "PDF"]
    assert set(delivery.dicom.files) == set(dicom.iterdir())
    (line,) = read_audit(_audit_log_in_tmp)
    assert line["action"] == "export" and line["dicom_objects"] == 3
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_an_unwritable_audit_log_keeps_the_previous_handout(handout: Handout, study: Study, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out, dicom = tmp_path / "out" / "handout.pdf", tmp_path / "dicom"
    before = previous_good(handout, out, dicom)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TAKEHOME_AUDIT_LOG", str(blocker / "audit.log"))
    session = session_from_files([study.ct1, study.ct2], ["A different note."])
    with pytest.raises(OutputError, match="audit log"):
        build_handout(session, out, dicom_out=dicom, redact="none")
    assert snapshot(out.parent, dicom) == before


def test_a_full_disk_at_any_write_leaves_everything_as_it_was(handout: Handout, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              _audit_log_in_tmp: Path) -> None:
    out, dicom = tmp_path / "out" / "handout.pdf", tmp_path / "dicom"
    before = previous_good(handout, out, dicom)
    lines = len(read_audit(_audit_log_in_tmp))
    real_write = os.write
    failed_at: list[int] = []
    for fail_at in range(1, 20):
        calls = 0

        def write(fd: int, data: bytes, fail_at: int = fail_at) -> int:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)
        try:
            deliver(handout, action="export", out=out, dicom_out=dicom)
        except OutputError as exc:
            failed_at.append(fail_at)
            assert "disk is full" in str(exc) or "audit log" in str(exc)
        else:
            break
        finally:
            monkeypatch.setattr(os, "write", real_write)
        assert snapshot(out.parent, dicom) == before, f"write {fail_at} failed"
        assert len(read_audit(_audit_log_in_tmp)) == lines  # no line for what was not delivered
    assert failed_at == [1, 2, 3, 4, 5]  # three objects, the PDF, the audit line


def test_a_failed_rename_puts_every_file_back(handout: Handout, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out, dicom = tmp_path / "out" / "handout.pdf", tmp_path / "dicom"
    before = previous_good(handout, out, dicom)
    new = make_handout(handout.session.with_images(handout.session.key_images[:1]), redact="none")
    real_replace = os.replace
    calls = 0

    def replace(src: str | Path, dst: str | Path) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match="every file was left as it was"):
        deliver(new, action="export", out=out, dicom_out=dicom)
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(out.parent, dicom) == before


def test_a_dicom_folder_that_is_a_file_writes_no_pdf(handout: Handout, study: Study, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "handout.pdf"
    taken = tmp_path / "taken"
    taken.write_text("")
    code = main(["build", str(study.ct1), "--out", str(out), "--dicom-out", str(taken), "--redact", "none"])
    assert code == 2 and "not a folder" in capsys.readouterr().err
    assert not out.exists()


def test_a_new_dicom_folder_is_not_left_behind(handout: Handout, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TAKEHOME_AUDIT_LOG", str(blocker / "audit.log"))
    with pytest.raises(OutputError):
        deliver(handout, action="export", out=tmp_path / "out" / "h.pdf", dicom_out=tmp_path / "a" / "b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder", "study"]


# ----- real file systems: a small tmpfs, full and then read-only -------------------------------

def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs (root only; skipped where mounting is not allowed)."""
    if not _can_mount():
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "disk"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(point)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until about ``leave`` bytes are free."""
    free = shutil.disk_usage(disk).free
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_cli_on_a_full_disk_keeps_the_previous_outputs(study: Study, small_disk: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out, dicom = small_disk / "handout.pdf", small_disk / "dicom"
    files = [str(study.ct1), str(study.ct2)]
    assert main(["build", *files, "--out", str(out), "--dicom-out", str(dicom), "--redact", "none"]) == 0
    before = snapshot(small_disk)
    objects = sum(p.stat().st_size for p in dicom.iterdir())
    _fill(small_disk, objects // 2)  # room for some objects, not all
    before = snapshot(small_disk)
    code = main(["build", *files, "--excerpt", "A different note.", "--out", str(out), "--dicom-out",
                 str(dicom), "--redact", "none"])
    assert code == 2 and "disk is full" in capsys.readouterr().err
    assert snapshot(small_disk) == before
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code = main(["build", *files, "--out", str(out), "--dicom-out", str(dicom), "--redact", "none"])
    assert code == 2 and "could not be written" in capsys.readouterr().err
    assert snapshot(small_disk) == before


# ----- kill -9 at every rename -----------------------------------------------------------------

_KILLED_BUILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from dataclasses import replace as changed
    from takehome.annotations.model import Window
    from takehome.handouts.build import build_handout, session_from_files

    kill_at = int(sys.argv[1])
    real_replace = os.replace
    calls = 0

    def replace(src, dst):
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)

    os.replace = replace
    out, dicom, *files = sys.argv[2:]
    # another note and window: every object's content, so its content-derived UID and name, is new
    session = session_from_files(files, [f"A different note ({kill_at})."])
    session = changed(session, key_images=tuple(changed(image, window=Window(40.0, 400.0 + kill_at))
                                                for image in session.key_images))
    build_handout(session, out, dicom_out=dicom, redact="none")
""")


def test_a_build_killed_at_any_rename_never_leaves_a_new_pdf_without_its_objects(
        study: Study, tmp_path: Path) -> None:
    out, dicom = tmp_path / "out" / "handout.pdf", tmp_path / "dicom"
    files = [str(study.ct1), str(study.ct2)]
    build_handout(session_from_files(files), out, dicom_out=dicom, redact="none")
    for kill_at in (1, 2, 3, 4, 5):  # three objects, then the PDF; 5: not killed
        old_pdf, old_objects = out.read_bytes(), {p.name for p in dicom.iterdir()}
        done = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(kill_at), str(out), str(dicom),
                               *files], capture_output=True, check=False, env=os.environ.copy())
        new_objects = {p.name for p in dicom.iterdir() if not p.name.startswith(".")} - old_objects
        if kill_at <= 4:
            assert done.returncode == -signal.SIGKILL, done.stderr
            assert out.read_bytes() == old_pdf  # the PDF is renamed last
            assert len(new_objects) == kill_at - 1
        else:
            assert done.returncode == 0, done.stderr
            assert out.read_bytes() != old_pdf and len(new_objects) == 3
        # the next build into the same folders removes what the killed one left
        build_handout(session_from_files(files), out, dicom_out=dicom, redact="none")
        assert not [p for p in (*dicom.iterdir(), *out.parent.iterdir()) if p.name.startswith(".")]
