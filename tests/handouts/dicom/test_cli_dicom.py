"""takehome build/demo --dicom-out: the objects are written next to the PDF, which they encapsulate."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from takehome.handouts.cli import main
from takehome.handouts.dicom.encapsulated import pdf_from_dataset
from tests.handouts.dicom.conftest import Study
from tests.handouts.dicom.validators import dciodvfy_errors, dsrdump


def kinds(folder: Path) -> list[str]:
    return sorted(p.name.split("_", 1)[0] for p in folder.iterdir())


def test_build_with_dicom_out(study: Study, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, folder = tmp_path / "handout.pdf", tmp_path / "dicom"
    code = main(["build", str(study.ct1), str(study.ct2), "--excerpt", "A small cyst.",
                 "--out", str(out), "--dicom-out", str(folder), "--redact", "none"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "wrote 3 DICOM object(s)" in captured.out
    assert kinds(folder) == ["GSPS", "KO", "PDF"]
    for path in folder.iterdir():
        assert dciodvfy_errors(path) == [], path.name
    (doc,) = folder.glob("PDF_*")
    assert pdf_from_dataset(pydicom.dcmread(doc)) == out.read_bytes()  # the very handout, unchanged
    (kos,) = folder.glob("KO_*")
    assert "A small cyst." in dsrdump(kos)


def test_dicom_out_that_is_a_file_fails_clearly(study: Study, tmp_path: Path, capsys) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    code = main(["build", str(study.ct1), "--out", str(tmp_path / "h.pdf"), "--dicom-out", str(taken),
                 "--redact", "none"])
    assert code == 2
    assert "not a folder" in capsys.readouterr().err


def test_demo_with_dicom_out(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "dicom"
    code = main(["demo", "--out", str(tmp_path / "demo.pdf"), "--dicom-out", str(folder)])
    assert code == 0, capsys.readouterr().err
    # the sample images come from three studies: a KOS and a presentation state for each
    assert kinds(folder) == ["CSPS", "GSPS", "GSPS", "KO", "KO", "KO", "PDF"]
    for path in folder.iterdir():
        assert dciodvfy_errors(path) == [], path.name
