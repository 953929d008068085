"""Hostile DICOM image files given to ``takehome build``: one clear line, exit 2, no file."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from takehome.handouts.cli import main


def _case(name: str, tmp_path: Path, dicom_file: Callable[..., Path]) -> tuple[str, str]:
    if name == "no Rows":
        path = dicom_file("norows.dcm")
        ds = pydicom.dcmread(path)
        del ds.Rows
        ds.save_as(path)
        return str(path), "has no Rows"
    if name == "Rows 0":
        path = dicom_file("zero.dcm")
        ds = pydicom.dcmread(path)
        ds.Rows = 0
        ds.save_as(path)
        return str(path), "outside 1 to 65535"
    if name == "bad SOP Instance UID":
        path = dicom_file("uid.dcm")
        ds = pydicom.dcmread(path)
        with warnings.catch_warnings():  # pydicom warns, as it should: the file is damaged on purpose
            warnings.simplefilter("ignore", UserWarning)
            ds.SOPInstanceUID = "1.2.abc"
            ds.save_as(path)
        return str(path), "not a valid DICOM UID"
    if name == "FIFO":
        path = tmp_path / "fifo.dcm"
        os.mkfifo(path)
        return str(path), "not a regular file"
    if name == "/dev/zero":
        return "/dev/zero", "not a regular file"
    if name == "300-character name":
        return str(tmp_path / ("a" * 300 + ".dcm")), "longer than 255"
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["no Rows", "Rows 0", "bad SOP Instance UID", "FIFO", "/dev/zero",
                                  "300-character name"])
def test_hostile_image_is_one_clear_line(name: str, tmp_path: Path, dicom_file: Callable[..., Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    image, words = _case(name, tmp_path, dicom_file)
    out = tmp_path / "h.pdf"
    assert main(["build", image, "--redact", "none", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("takehome: error:") and words in err[0], err
    assert not out.exists()


def test_a_dicom_out_folder_name_too_long_is_one_clear_line(tmp_path: Path, dicom_file: Callable[..., Path],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    image = dicom_file("ct.dcm")
    folder = tmp_path / ("d" * 300)
    code = main(["build", str(image), "--redact", "none", "--out", str(tmp_path / "h.pdf"),
                 "--dicom-out", str(folder)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--dicom-out" in err[0] and "longer than 255" in err[0], err
