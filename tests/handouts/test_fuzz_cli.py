"""Property-based fuzzing through the command line: any session or template file gives exit 0, or exit 2
with one line and no file; never a traceback. A template ``templates check`` passes also builds.

Fixed budget (examples per property, derandomized) so CI time and results are the same every run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takehome.handouts import session_from_files
from takehome.handouts.cli import main

BUDGET = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# ---------------------------------------------------------------- hostile values
_texts = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\u0085\ud800\ufeff"),
            max_size=5),
    st.just("a" * 300), st.just("~nobody-takehome/x"), st.just("../../etc/passwd"),
)
_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30), st.just(10**400), st.just(-(10**400)),
    st.floats(allow_nan=True, allow_infinity=True), st.just(1e308), st.just(-0.0), st.just(0),
)
_scalars = st.one_of(st.none(), st.booleans(), _numbers, _texts)
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(_texts, inner, max_size=4)),
                     max_leaves=12)


def _paths(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) inside ``data``: the places a value can be replaced."""
    places: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        keys = list(item) if isinstance(item, dict) else range(len(item)) if isinstance(item, list) else []
        for key in keys:
            places.append((item, key))
            stack.append(item[key])
    return places


@pytest.fixture(scope="module")
def good_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    from tests.conftest import make_dataset

    folder = tmp_path_factory.mktemp("fuzz-session")
    path = folder / "image.dcm"
    make_dataset(rows=48, columns=64).save_as(path, enforce_file_format=True)
    session = session_from_files([path], ["A small cyst. Nothing else."])
    data = session.to_dict()
    image = data["key_images"][0]
    image.update({"window": {"center": 40, "width": 400}, "crop": {"x": 1, "y": 1, "width": 30, "height": 20},
                  "overlays": [{"kind": "arrow", "points": [[1, 2], [30, 20]], "label": "here"}]})
    return data, folder


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)  # in-process: any exception fails the property with its traceback
    return code, capsys.readouterr().err


@BUDGET
@given(data=st.data())
def test_any_session_file_is_built_or_one_clear_line(data: st.DataObject,
                                                     good_session: tuple[dict[str, Any], Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    session, folder = good_session
    mutated = json.loads(json.dumps(session))
    for container, key in data.draw(st.lists(st.sampled_from(_paths(mutated)), max_size=3)):
        container[key] = data.draw(_json)
    try:
        text = json.dumps(mutated, allow_nan=True)
    except ValueError:  # a 10**400 integer is written, as a hostile file would hold it
        text = json.dumps(mutated, default=str)
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(text)))
        text = text[:cut] + data.draw(st.text(max_size=5)) + text[cut:]
    path = folder / "fuzzed.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = folder / "out.pdf"
    out.unlink(missing_ok=True)
    code, err = _run(["build", "--session", str(path), "--out", str(out), "--redact", "none"], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("takehome: error:") and err.count("\n") == 1, err
        assert not out.exists()
    else:
        assert out.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- templates
_SCHEMA: dict[str, list[str]] = {
    "": ["description", "language"],
    "department": ["name", "logo", "logo_height_mm"],
    "page": ["size", "margin_mm"],
    "fonts": ["family", "regular", "bold", "body_size", "large_print", "large_print_size"],
    "colours": ["accent", "text", "panel"],
    "layout": ["images_per_page", "excerpt", "sections", "words_box", "questions"],
    "clinician": ["may_change", "locked"],
    "text": ["title", "intro", "questions", "contact", "mandatory"],
}
_GOOD: dict[str, list[Any]] = {
    "language": ["en", "es"], "size": ["A4", "Letter"], "margin_mm": [5, 50, 12.5],
    "family": ["sans", "serif"], "body_size": [8, 24], "large_print": [True, False],
    "large_print_size": [14, 28], "logo_height_mm": [5, 40], "images_per_page": [1, 2, 4],
    "excerpt": ["below", "beside"], "words_box": [True, False], "questions": [True, False],
    "accent": ["#1f4e79"], "sections": [["images", "mandatory"]], "may_change": [["large_print"]],
    "locked": [["language"]], "name": ["Radiology", "Radiología " * 20], "description": ["Ours"],
    "title": ["Your results"], "intro": ["Hello. " * 140], "contact": [["Call 555 0100"]],
    "mandatory": [["Bring this to your next visit."] * 20], "text": ["#000000"], "panel": ["#eef3f8"],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


_toml_values = st.recursive(st.one_of(st.booleans(), st.integers(-(10**20), 10**20), st.floats(), _texts),
                            lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@st.composite
def templates(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for table in draw(st.lists(st.sampled_from(list(_SCHEMA)), unique=True, max_size=4)):
        if table:
            lines.append(f"[{table}]")
        for key in draw(st.lists(st.sampled_from(_SCHEMA[table]), unique=True, max_size=3)):
            good = _GOOD.get(key)
            # mostly documented values (so templates pass and must then build), sometimes anything
            valid = st.sampled_from(good) if good else _toml_values
            value = draw(st.one_of(valid, valid, valid, _toml_values))
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=templates())
def test_any_template_is_checked_or_one_clear_line_and_check_agrees_with_build(
        text: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        dicom_image: Callable[[], Path]) -> None:
    folder = tmp_path_factory.mktemp("fuzz-template")
    path = folder / "fuzzed.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, err = _run(["templates", "check", str(path)], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("takehome: error:") and err.count("\n") == 1, err
        return
    out = folder / "out.pdf"
    code, err = _run(["build", str(dicom_image()), "--template", str(path), "--redact", "none", "--excerpt",
                      "A small cyst. " * 300, "--out", str(out)], capsys)
    assert code == 0, f"templates check passed but the build failed: {err}\n{text}"


@pytest.fixture(scope="module")
def dicom_image(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    from tests.conftest import make_dataset

    path = tmp_path_factory.mktemp("fuzz-image") / "image.dcm"
    make_dataset(rows=120, columns=90).save_as(path, enforce_file_format=True)
    return lambda: path
