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


# ----- a department called "Radiology", patients whose names are ordinary words ---------------

def _study_of(tmp_path: Path, name: str) -> Path:
    from tests.conftest import make_dataset

    ds = make_dataset(rows=96, columns=120)
    ds.PatientName = name
    ds.InstitutionalDepartmentName = "Radiology"
    path = tmp_path / "study.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def _text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize("name", ["Page^Will", "White^Scan", "Long^May", "May^Wall"])
def test_a_radiology_study_of_a_patient_named_like_a_word_gets_its_handout(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    surname = name.split("^")[0]
    out = tmp_path / "handout.pdf"
    code, stdout, err = run(["build", str(_study_of(tmp_path, name)), "--out", str(out), "--excerpt",
                             f"Mr {surname} has a 2 cm cyst in the liver."], capsys)
    assert code == 0, err
    text = _text(out)
    assert "has a 2 cm cyst in the liver." in text and f"Mr {surname}" not in text  # the name as a name
    assert "radiology report" in text and "Page 1 of 1" in text  # the template's own words, kept
    assert "1 identifier(s) removed" in stdout or "identifier(s) removed" in stdout


def test_a_soft_hyphen_inside_a_name_neither_hides_it_nor_refuses(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "handout.pdf"
    code, _, err = run(["build", str(_study_of(tmp_path, "Blackwood^Eleanor")), "--out", str(out),
                        "--excerpt", "Mrs Black\u00adwood has a small cyst."], capsys)
    assert code == 0, err
    text = _text(out)
    assert "has a small cyst." in text and "Black" not in text and "wood" not in text


def test_a_title_among_the_template_choices_is_scrubbed(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    study = _study_of(tmp_path, "Blackwood^Eleanor")
    session = session_from_files([study], ["A small cyst."])
    from dataclasses import replace

    session = replace(session, template_choices=(("title", "Results for Eleanor Blackwood"),))
    session_file = tmp_path / "session.json"
    save_session(session, session_file)
    out = tmp_path / "handout.pdf"
    code, _, err = run(["build", "--session", str(session_file), "--out", str(out)], capsys)
    assert code == 0, err
    text = _text(out)
    assert "Results for" in text and "Eleanor" not in text and "Blackwood" not in text


def test_a_refusal_names_the_place_and_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Text that reaches the file unscrubbed (here: scrubbing switched off) is refused by its place."""
    from dataclasses import replace

    import takehome.handouts.prepare as prepare
    from takehome.handouts.deid import ScrubResult

    monkeypatch.setattr(prepare, "scrub_text", lambda text, *_args, **_kw: ScrubResult(text, ()))
    session = session_from_files([_study_of(tmp_path, "Page^Will")], ["Mr Page has a cyst."])
    arrow = Overlay(ShapeKind.ARROW, (Point(5, 5), Point(20, 20)), label="Cyst, as shown to Will")
    session = session.replace_image(0, replace(session.key_images[0], overlays=(arrow,)))
    save_session(session, tmp_path / "session.json")
    out = tmp_path / "handout.pdf"
    code, _, err = run(["build", "--session", str(tmp_path / "session.json"), "--out", str(out),
                        "--redact", "none"], capsys)
    assert code == 2 and not out.exists()
    assert "label 1 of picture 1 holds a header identifier (name)" in err
    assert "excerpt 1 of picture 1 holds a header identifier (name)" in err
    assert "Will" not in err and "Mr Page" not in err and "x=" not in err
