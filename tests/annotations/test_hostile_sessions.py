"""Hostile session files: each is one clear line and exit 2 from the CLI, never a traceback or a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from takehome.annotations import AnnotationError, KeyImage, SessionFileError, Window, load_session
from takehome.annotations.input_file import InputFileError, read_input_file
from takehome.annotations.model import Crop, Excerpt, Overlay, Point, ShapeKind

_IMAGE = '{"sop_instance_uid": "1.2.3", "file": "x.dcm", "rows": 64, "columns": 80%s}'


def _session(image_extra: str = "", rows: str = "64") -> str:
    image = _IMAGE.replace('"rows": 64', f'"rows": {rows}') % image_extra
    return '{"schema_version": 1, "key_images": [' + image + "]}"


def _hostile(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (session path as given on the command line, words the one-line error must hold)."""
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    files = {
        "5000-digit integer": _session(rows="9" * 5000),
        "10**400 coordinate": _session(',"crop": {"x": 1%s, "y": 0, "width": 1, "height": 1}' % ("0" * 400)),
        "1e400 window": _session(',"window": {"center": 1e400, "width": 5}'),
        "1e308 window width": _session(',"window": {"center": 40, "width": 1e308}'),
        "NUL in a caption": _session(',"caption": "a\\u0000b"'),
        "escape in a label": _session(',"overlays": [{"kind": "text", "points": [[1, 1]], '
                                      '"label": "\\u001b[31mred"}]'),
        "lone surrogate": _session(',"caption": "\\ud800"'),
        "NUL in the file name": _session().replace('"x.dcm"', '"x\\u0000.dcm"'),
        "300-character file name": _session().replace('"x.dcm"', '"%s.dcm"' % ("a" * 300)),
        "unknown user's home": _session().replace('"x.dcm"', '"~nobody-takehome/x.dcm"'),
        "nested 5000 deep": '{"schema_version": 1, "title": ' + "[" * 5000 + "]" * 5000 + "}",
        "nested 50 deep": '{"schema_version": 1, "x": ' + "[" * 50 + "]" * 50 + "}",
        "huge rows": _session(rows="70000"),
    }
    cases: dict[str, tuple[str, str]] = {}
    expected = {"5000-digit integer": "number too long", "10**400 coordinate": "crop.x",
                "1e400 window": "window.center", "1e308 window width": "window.width",
                "NUL in a caption": "control character", "escape in a label": "control character",
                "lone surrogate": "control character", "NUL in the file name": "key_images[0].file",
                "300-character file name": "longer than 255", "unknown user's home": "unknown user",
                "nested 5000 deep": "nested", "nested 50 deep": "nested", "huge rows": "rows"}
    for name, text in files.items():
        path = tmp_path / f"{len(cases)}.json"
        path.write_text(text, encoding="utf-8")
        cases[name] = (str(path), expected[name])
    cases["/dev/zero"] = ("/dev/zero", "not a regular file")
    cases["a FIFO"] = (str(fifo), "not a regular file")
    cases["a folder"] = (str(tmp_path), "folder")
    cases["300-character session name"] = (str(tmp_path / ("s" * 300 + ".json")), "longer than 255")
    cases["NUL in the session name"] = ("a\x00b.json", "NUL")
    cases["~unknown user"] = ("~nobody-takehome/s.json", "unknown user")
    return cases


CASES = ["5000-digit integer", "10**400 coordinate", "1e400 window", "1e308 window width",
         "NUL in a caption", "escape in a label", "lone surrogate", "NUL in the file name",
         "300-character file name", "unknown user's home", "nested 5000 deep", "nested 50 deep",
         "huge rows", "/dev/zero", "a FIFO", "a folder", "300-character session name",
         "NUL in the session name", "~unknown user"]


@pytest.mark.parametrize("case", CASES)
def test_hostile_session_is_one_line_exit_2(case: str, tmp_path: Path) -> None:
    session, words = _hostile(tmp_path)[case]
    out = tmp_path / "handout.pdf"
    argv = [sys.executable, "-m", "takehome.handouts.cli", "build", "--session", session, "--out", str(out)]
    if "\x00" in session:  # an argv cannot carry a NUL: call the loader as the CLI does
        with pytest.raises(SessionFileError, match=words):
            load_session(session)
        return
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("takehome: error:") and words in lines[0], lines
    assert len(lines[0]) < 600
    assert not out.exists()


def test_reading_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 1001)
    assert read_input_file(path, limit=1001, what="x") == b" " * 1001
    with pytest.raises(InputFileError, match="more than 1000"):
        read_input_file(path, limit=1000, what="x")


def test_model_values_are_checked_at_construction() -> None:
    with pytest.raises(AnnotationError, match=r"window\.width"):
        Window(40, 1e308)
    with pytest.raises(AnnotationError, match="out of range"):
        Point(10**400, 0)
    with pytest.raises(AnnotationError, match="control character"):
        Overlay(ShapeKind.TEXT, (Point(1, 1),), label="a\x07b")
    with pytest.raises(AnnotationError, match=r"key_image\.columns"):
        KeyImage("1.2", "x.dcm", rows=10, columns=65536)
    # line breaks and tabs stay allowed where text has several lines
    assert Excerpt("First line.\n\tSecond line.").text.count("\n") == 1
    assert Crop(0, 0, 1, 1).width == 1


def test_a_saved_session_with_every_limit_reached_loads(tmp_path: Path,
                                                        dicom_file: Callable[..., Path]) -> None:
    data = json.loads(_session(',"window": {"center": -1e9, "width": 2e9}, "caption": "%s"' % ("é" * 200)))
    path = tmp_path / "limits.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    image = load_session(path).key_images[0]
    assert image.window == Window(-1e9, 2e9) and len(image.caption) == 200
