"""The ``takehome`` command: exit codes, one clear line on bad input, no file on failure."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydicom.data import get_testdata_file

from takehome.annotations import Overlay, Point, ShapeKind, save_session
from takehome.handouts import session_from_files
from takehome.handouts.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_build_from_files(tmp_path: Path, dicom_file: Callable[..., Path],
                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "h.pdf"
    code, stdout, _ = run(["build", str(dicom_file("a.dcm")), str(dicom_file("b.dcm", frames=3)),
                           "--frame", "1", "--excerpt", "First finding.", "--out", str(out)], capsys)
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    assert "2 image(s)" in stdout


def test_build_from_session_with_relative_paths(tmp_path: Path, dicom_file: Callable[..., Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    image = dicom_file("ct.dcm")
    session = session_from_files([image], ["Excerpt"])
    key = session.key_images[0]
    arrow = Overlay(ShapeKind.ARROW, (Point(5, 5), Point(20, 20)), label="here")
    from dataclasses import replace
    session = session.replace_image(0, replace(key, file="ct.dcm", overlays=(arrow,)))
    save_session(session, tmp_path / "session.json")
    out = tmp_path / "out" / "handout.pdf"
    code, _, err = run(["build", "--session", str(tmp_path / "session.json"), "--out", str(out)],
                       capsys)
    assert code == 0, err
    assert out.is_file()


def _bad_inputs(tmp_path: Path, dicom_file: Callable[..., Path]) -> dict[str, tuple[list[str], str]]:
    text = tmp_path / "notes.dcm"
    text.write_text("not an image")
    truncated = tmp_path / "truncated.dcm"
    good = dicom_file("good.dcm", rows=64, columns=64)
    truncated.write_bytes(good.read_bytes()[:-500])
    session = session_from_files([good])
    data = session.to_dict()
    data["key_images"][0]["file"] = str(tmp_path / "gone.dcm")
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps(data))
    return {
        "not DICOM": ([str(text)], "not a DICOM file"),
        "truncated pixel data": ([str(truncated)], "truncated"),
        "no pixel data": ([get_testdata_file("rtplan.dcm")], "no image"),
        "undecodable": ([get_testdata_file("JPEG2000-embedded-sequence-delimiter.dcm")], "JPEG 2000"),
        "missing instance": (["--session", str(missing)], "is missing"),
        "missing file": ([str(tmp_path / "nope.dcm")], "no such file"),
        "bad frame": ([str(good), "--frame", "9"], "frame 9 does not exist"),
        "too many excerpts": ([str(good), "--excerpt", "a", "--excerpt", "b"], "at most one excerpt"),
    }


@pytest.mark.parametrize("case", ["not DICOM", "truncated pixel data", "no pixel data", "undecodable",
                                  "missing instance", "missing file", "bad frame",
                                  "too many excerpts"])
def test_bad_input_exits_2_with_one_line_and_no_file(case: str, tmp_path: Path,
                                                     dicom_file: Callable[..., Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    argv, expected = _bad_inputs(tmp_path, dicom_file)[case]
    out = tmp_path / "handout.pdf"
    code, _, err = run(["build", *argv, "--out", str(out)], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("takehome: error:")
    assert expected in lines[0]
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".handout.pdf")]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["build", "x.dcm"])  # --out missing
    assert info.value.code == 2


def test_console_script_demo(tmp_path: Path) -> None:
    out = tmp_path / "demo-handout.pdf"
    result = subprocess.run([sys.executable, "-m", "takehome.handouts.cli", "demo", "--out", str(out)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
