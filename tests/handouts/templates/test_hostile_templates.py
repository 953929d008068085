"""Hostile templates: one clear line and exit 2; a template that passes ``check`` also builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from takehome.handouts.pdf.fonts import bundled_font_path
from tests.handouts.templates.helpers import write_dicom


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "takehome.handouts.cli", *argv], capture_output=True,
                          text=True, timeout=120, check=False)


def _one_line_error(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr
    assert lines[0].startswith("takehome: error:") and words in lines[0], lines[0]


def _truncated_font(folder: Path) -> None:
    data = bundled_font_path("DejaVuSans.ttf").read_bytes()
    (folder / "r.ttf").write_bytes(data[: len(data) // 3])
    shutil.copy(bundled_font_path("DejaVuSans-Bold.ttf"), folder / "b.ttf")


def _make(case: str, folder: Path) -> tuple[str, str]:
    """(template path, words the error holds) for one hostile template."""
    toml = folder / "t.toml"
    if case == "FIFO":
        os.mkfifo(toml)
        return str(toml), "not a regular file"
    if case == "/dev/zero":
        return "/dev/zero", "not a regular file"
    if case == "nested 5000 deep":
        toml.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
        return str(toml), "nest more than"
    if case == "inline tables nested 3000 deep":
        toml.write_text("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n")
        return str(toml), "nest more than"
    if case == "truncated font":
        _truncated_font(folder)
        toml.write_text('[fonts]\nregular = "r.ttf"\nbold = "b.ttf"\n')
        return str(toml), "not a usable TrueType font"
    if case == "SVG logo 1e30 wide":
        (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1e30" height="30">'
                                         '<rect width="10" height="10"/></svg>')
        toml.write_text('[department]\nname = "Radiology"\nlogo = "logo.svg"\n')
        return str(toml), "absurdly large"
    if case == "SVG shape 1e30 wide":
        (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
                                         '<rect width="1e30" height="10"/></svg>')
        toml.write_text('[department]\nname = "Radiology"\nlogo = "logo.svg"\n')
        return str(toml), "absurdly large"
    if case == "300-character logo name":
        toml.write_text(f'[department]\nlogo = "{"a" * 300}.png"\n')
        return str(toml), "longer than 255"
    if case == "300-character name":
        return str(folder / ("t" * 300 + ".toml")), "longer than 255"
    if case == "unknown user's home":
        return "~nobody-takehome/t.toml", "unknown user"
    raise AssertionError(case)


CASES = ["FIFO", "/dev/zero", "nested 5000 deep", "inline tables nested 3000 deep", "truncated font",
         "SVG logo 1e30 wide", "SVG shape 1e30 wide", "300-character logo name", "300-character name",
         "unknown user's home"]


@pytest.mark.parametrize("case", CASES)
def test_hostile_template_check_and_build_are_one_line(case: str, tmp_path: Path) -> None:
    template, words = _make(case, tmp_path)
    _one_line_error(_cli("templates", "check", template), words)
    out = tmp_path / "h.pdf"
    image = write_dicom(tmp_path, rows=64, columns=64)
    _one_line_error(_cli("build", str(image), "--template", template, "--redact", "none", "--out", str(out)),
                    words)
    assert not out.exists()


def test_large_print_notes_beside_and_a_long_excerpt_build(tmp_path: Path) -> None:
    """Within the documented ranges, the tightest layout with the longest notes still builds."""
    template = tmp_path / "tight.toml"
    template.write_text('[page]\nmargin_mm = 50\n[fonts]\nlarge_print = true\nlarge_print_size = 28\n'
                        '[layout]\nexcerpt = "beside"\nimages_per_page = 1\n')
    done = _cli("templates", "check", str(template))
    assert done.returncode == 0, done.stderr
    assert "lays out in all" in done.stdout
    image = write_dicom(tmp_path, rows=300, columns=200)
    out = tmp_path / "h.pdf"
    notes = "x" * 1200 + " " + "The nodule is stable. " * 150
    done = _cli("build", str(image), "--template", str(template), "--excerpt", notes[:5000], "--redact",
                "none", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_check_refuses_what_build_would_refuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` lays out the worst handout: a layout failure there is a clear line, not a pass."""
    from takehome.handouts.templates import worst_case

    def fail(*_: object) -> None:
        from reportlab.platypus.doctemplate import LayoutError

        raise LayoutError("Flowable too large")

    import takehome.handouts.pdf.document as document

    monkeypatch.setattr(document, "render_pdf", fail)
    template = tmp_path / "t.toml"
    template.write_text('[clinician]\nlocked = ["images_per_page", "excerpt", "large_print", "language"]\n')
    from takehome.handouts.errors import InputError
    from takehome.handouts.templates.load import load_template_file

    with pytest.raises(InputError, match="cannot be laid out with its own settings"):
        worst_case.check_worst_case(load_template_file(template), str(template))
