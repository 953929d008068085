"""De-identification through the real build and command line: modes, gate, audit, file name."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydicom.data import get_testdata_file

from takehome.annotations.model import Redaction, RedactionStatus
from takehome.handouts.build import build_handout, build_pdf_bytes, session_from_files
from takehome.handouts.cli import main
from takehome.handouts.deid.audit import read_audit
from takehome.handouts.deid.ocr import tesseract_available
from takehome.handouts.display import render
from takehome.handouts.errors import DeidentificationError, InputError, OutputError

pytestmark = pytest.mark.skipif(not tesseract_available(), reason="needs tesseract-ocr")


@pytest.fixture
def screen(dicom_file: Callable[..., Path]) -> Path:
    """A small ultrasound-like screen with the fake patient ID burned into its top banner."""
    image = Image.new("RGB", (320, 200))
    draw = ImageDraw.Draw(image)
    draw.text((6, 4), "MRN-4471902", fill=(255, 255, 255), font=ImageFont.load_default(16))
    draw.text((200, 170), "C5-1", fill=(255, 255, 255), font=ImageFont.load_default(16))
    return dicom_file("screen.dcm", rows=200, columns=320, color=True, modality="US",
                      pixels=np.asarray(image))


def test_auto_fills_the_burned_in_id_and_audits(screen: Path, tmp_path: Path,
                                                _audit_log_in_tmp: Path) -> None:
    out = tmp_path / "handout.pdf"
    result = build_handout(session_from_files([screen]), out)
    decision = result.deid.images[0]
    assert decision.auto_redacted >= 1 and decision.filled
    font = ImageFont.load_default(16)
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((6, 4), "MRN-4471902", font=font)
    assert any(b.x <= x0 and b.y <= y0 and b.x + b.width >= x1 and b.y + b.height >= y1
               for b in decision.filled)  # the whole ID
    lines = read_audit(_audit_log_in_tmp)
    assert len(lines) == 1 and lines[0]["redact_mode"] == "auto"
    assert lines[0]["instances"][0]["auto_redacted"] >= 1
    assert "4471902" not in _audit_log_in_tmp.read_text()


def test_review_refuses_until_regions_are_decided(screen: Path) -> None:
    session = session_from_files([screen])
    with pytest.raises(DeidentificationError, match="export refused: key image 1"):
        build_pdf_bytes(session, redact="review")
    image = session.key_images[0]
    decided = replace(image, redactions=(
        Redaction(0, 0, 320, 30, status=RedactionStatus.REDACT),
        Redaction(180, 150, 140, 50, status=RedactionStatus.DISMISSED)))
    data, _, summary = build_pdf_bytes(session.replace_image(0, decided), redact="review")
    assert data.startswith(b"%PDF") and summary.images[0].dismissed == 1


def test_none_is_explicit_and_recorded(screen: Path, tmp_path: Path, _audit_log_in_tmp: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plain.pdf"
    assert main(["build", str(screen), "--out", str(out), "--redact", "none"]) == 0
    assert "not checked" in capsys.readouterr().err
    line = read_audit(_audit_log_in_tmp)[-1]
    assert line["redact_mode"] == "none" and "warning" in line
    assert main(["build", str(screen), "--out", str(tmp_path / "b.pdf")]) == 0
    assert read_audit(_audit_log_in_tmp)[-1]["redact_mode"] == "auto"


def test_a_file_name_with_an_identifier_is_refused(screen: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file name contains one of the patient's identifiers"):
        build_handout(session_from_files([screen]), tmp_path / "Blackwood-results.pdf")
    assert not (tmp_path / "Blackwood-results.pdf").exists()


def test_no_output_without_an_audit_line(screen: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("TAKEHOME_AUDIT_LOG", str(blocker / "audit.log"))
    out = tmp_path / "handout.pdf"
    with pytest.raises(OutputError, match="audit log"):
        build_handout(session_from_files([screen]), out)
    assert not out.exists()


def test_cli_reports_redactions(screen: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(screen), "--out", str(tmp_path / "h.pdf"),
                 "--excerpt", "Seen by Dr. House on 05/06/2024: a 12 mm nodule."]) == 0
    printed = capsys.readouterr().out
    assert "2 identifier(s) removed from text" in printed and "region(s) redacted in images" in printed


def test_overlay_planes_and_icons_are_never_rendered() -> None:
    ds = pydicom.dcmread(get_testdata_file("examples_overlay.dcm", download=False))
    assert any(element.tag.group >> 8 == 0x60 for element in ds) and "IconImageSequence" in ds
    shown = render(ds, 1).pixels
    for element in [e for e in ds if e.tag.group >> 8 == 0x60]:
        del ds[element.tag]
    del ds.IconImageSequence
    assert np.array_equal(shown, render(ds, 1).pixels)
    assert json.dumps(shown.shape) == json.dumps([int(ds.Rows), int(ds.Columns)])
