"""Burned-in text: lines found from the structure of text, which identify someone, OCR on real screens."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydicom.data import get_testdata_file

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.lines import find_lines, strokes
from takehome.handouts.deid.ocr import Word, read_words, tesseract_available
from takehome.handouts.deid.pixels import (
    SCREEN_TEXT,
    Evidence,
    _targets,
    classify_line,
    detect_text,
    reason_words,
)
from takehome.handouts.deid.screen import imaging_bounds, institution, technical
from takehome.handouts.display import render

from .corpus import deid_data_file, hard_images, text_free_images

IDS = Identifiers(name_parts=frozenset({"Blackwood", "Eleanor"}), ids=frozenset({"MRN-4471902"}),
                  phrases=frozenset({"Saint Quentin Royal Infirmary"}),
                  dates=frozenset({dt.date(1947, 3, 12)}))
needs_ocr = pytest.mark.skipif(not tesseract_available(), reason="needs tesseract-ocr")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def word(text: str, x: int, y: int = 10, conf: float = 90.0) -> Word:
    return Word(x, y, x + 8 * len(text), y + 12, (text,), conf)


@pytest.mark.parametrize(("texts", "expected"), [
    (["BLACKWOOD,", "ELEANOR"], {0, 1}),          # header name, any case
    (["B1ackw0od"], {0}),                          # OCR misreads l->1, o->0
    (["MRN-447l902"], {0}),                        # fuzzy ID
    (["MRN", "4471902"], {0, 1}),                  # an ID split in two words
    (["12/03/1947"], {0}),                         # the birth date
    (["2:56:22", "PM"], {0, 1}),                   # a time of day
    (["Name:", "Smith", "J"], {0, 1, 2}),          # a cue marks itself and the rest of the line
    (["Saint", "Quentin", "Royal", "Infirmary"], {0, 1, 2, 3}),
    (["C5-1", "28Hz", "Gen", "12", "mm"], set()),  # technical text stays
])
def test_identifying_words(texts: list[str], expected: set[int]) -> None:
    words, x = [], 4
    for text in texts:
        words.append(word(text, x))
        x += 8 * len(text) + 8
    assert set(classify_line(words, IDS, _targets(IDS), Evidence(modality="US"))) == expected


def test_allow_list_and_institutions() -> None:
    for label in (["MI", "1.1"], ["TIS:", "0.5"], ["C5-1"], ["H4.00", "MHz"], ["19fps"], ["Gn", "60"],
                  ["Depth", "16", "cm"], ["Sag", "Liver", "L-M"], ["iicm"], ["3/3/4"], ["HGen"]):
        assert technical(label), label
    for other in (["ZZZDOWNTIME,MARY"], ["Whitfield"], ["CCHS", "CLEVELAND", "CLINIC"], ["AB", "Smith"]):
        assert not technical(other), other
    assert institution(["CCHS", "CLEVELAND", "CLINIC"], Identifiers())
    assert institution(["SQRI", "Radiology"], IDS)  # the header institution's initials
    assert not institution(["RT", "KIDNEY"], IDS)
    assert "outside the imaging area" in reason_words(SCREEN_TEXT)


def test_evidence_and_imaging_area_from_the_header() -> None:
    ds = pydicom.dcmread(get_testdata_file("examples_palette.dcm", download=False))
    evidence = Evidence.from_dataset(ds)
    assert evidence.text_expected and evidence.modality == "US"
    assert evidence.outside_imaging((600, 5, 700, 20)) and not evidence.outside_imaging((300, 200, 350, 220))
    assert imaging_bounds(ds, (350, 800)) == (120, 60, 800, 350)
    assert "Burned In Annotation absent" in evidence.describe()


def _canvas(background: int | tuple[int, int, int] = 0, size: tuple[int, int] = (640, 480)) -> Image.Image:
    return Image.new("RGB", size, background if isinstance(background, tuple) else (background,) * 3)


@pytest.mark.parametrize(("font", "size", "fill", "background"), [
    (FONT, 9, (255, 255, 255), 0),            # small screen text
    (BOLD, 19, (255, 255, 255), (28, 40, 96)),  # bold banner on a coloured bar
    (BOLD, 40, (255, 255, 0), 0),             # large bold
    (FONT, 15, (20, 20, 20), 214),            # dark on a light panel
    (FONT, 15, (130, 130, 130), 104),         # faint grey on grey
    (FONT, 16, (230, 30, 30), 120),           # red on grey
])
def test_lines_are_found_in_any_weight_size_colour_and_polarity(
        font: str, size: int, fill: tuple[int, int, int], background: int | tuple[int, int, int]) -> None:
    image = _canvas(background)
    draw = ImageDraw.Draw(image)
    draw.text((30, 200), "Name: Whitfield 0471", font=ImageFont.truetype(font, size), fill=fill)
    x0, y0, x1, y1 = draw.textbbox((30, 200), "Name: Whitfield 0471", font=ImageFont.truetype(font, size))
    lines = find_lines(np.asarray(image))
    assert len(lines) == 1
    assert lines[0].angle == 0
    left, top, right, bottom = lines[0].padded(image.size[::-1])  # the box that is filled
    assert left <= x0 and right >= x1 and top <= y0 and bottom >= y1


@pytest.mark.parametrize("angle", [90, 30, -35])
def test_vertical_and_rotated_lines_are_found(angle: int) -> None:
    layer = Image.new("L", (260, 40), 0)
    ImageDraw.Draw(layer).text((4, 4), "PID 88301275 XK", font=ImageFont.truetype(FONT, 18), fill=255)
    layer = layer.rotate(angle, expand=True)
    image = Image.new("L", (480, 480), 0)
    image.paste(layer, (100, 100))
    ys, xs = np.nonzero(np.asarray(image) > 100)
    lines = find_lines(np.asarray(image))
    assert lines
    boxes = [ln.padded((480, 480)) for ln in lines]
    assert min(b[0] for b in boxes) <= xs.min() and max(b[2] for b in boxes) > xs.max()
    assert min(b[1] for b in boxes) <= ys.min() and max(b[3] for b in boxes) > ys.max()


def test_texture_noise_and_anatomy_are_not_lines(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    assert find_lines(rng.integers(0, 255, (256, 256), dtype=np.uint8)) == []
    for path in text_free_images(tmp_path):
        pixels = render(pydicom.dcmread(path), 1).pixels
        assert len(find_lines(pixels)) <= 12, path.name  # few candidates, all rejected after OCR (below)


@needs_ocr
def test_text_free_images_have_no_regions(tmp_path: Path) -> None:
    for path in text_free_images(tmp_path):
        ds = pydicom.dcmread(path)
        pixels = render(ds, 1).pixels
        assert detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds)) == [], path.name


@needs_ocr
def test_hard_screens_lose_every_identifier(tmp_path: Path) -> None:
    for image in hard_images(tmp_path):
        ds = pydicom.dcmread(image.path)
        pixels = render(ds, 1).pixels
        regions = detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
        mask = np.zeros(pixels.shape[:2], dtype=bool)
        for r in regions:
            if r.identifying:
                mask[r.y0:r.y1, r.x0:r.x1] = True
        for item in image.planted:
            if item.identifying:
                assert mask[item.ink].all(), (image.name, item.text)
        assert mask.mean() < 0.06, image.name


@needs_ocr
@pytest.mark.parametrize(("name", "hidden"), [
    ("examples_palette.dcm", [(95, 34, 265, 52), (668, 7, 775, 27), (326, 33, 512, 54), (668, 35, 782, 52)]),
    ("examples_rgb_color.dcm", [(8, 10, 86, 20)]),
    ("examples_ybr_color.dcm", [(11, 1, 30, 11)]),
])
def test_real_screens_identifiers_are_found(name: str, hidden: list[tuple[int, int, int, int]]) -> None:
    ds = pydicom.dcmread(get_testdata_file(name, download=False))
    pixels = render(ds, 1).pixels
    regions = detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
    mask = np.zeros(pixels.shape[:2], dtype=bool)
    for r in regions:
        if r.identifying:
            mask[r.y0:r.y1, r.x0:r.x1] = True
    ink_map = np.maximum(strokes(pixels, True), strokes(pixels, False)) >= 40
    for x0, y0, x1, y1 in hidden:  # the labelled identifier text is covered whole
        assert mask[y0:y1, x0:x1][ink_map[y0:y1, x0:x1]].all(), (name, (x0, y0))
    assert mask.mean() < 0.15  # furniture outside the imaging area goes too


@needs_ocr
def test_the_real_rgb_ultrasound_keeps_no_legible_identifier() -> None:
    path = deid_data_file("ultrasounds/RGB_IMAGE.dcm")
    if path is None:
        pytest.skip("needs the deid-data package")
    ds = pydicom.dcmread(path)
    pixels = render(ds, 1).pixels
    regions = detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
    out = pixels.copy()
    for r in regions:
        if r.identifying:
            out[r.y0:r.y1, r.x0:r.x1] = 0
    seen = " ".join(r for w in read_words(out, scale=4.0) for r in w.readings).upper()
    for secret in ("ZZZDOWNTIME", "MARY", "00047431395", "8:48", "4/14/2020", "120907058", "CCHS",
                   "CLEVELAND", "CLINIC"):
        assert secret not in seen, secret
    assert "SIEMENS" in seen or "RENAL" in seen.replace("*", "")  # technical text stays


@needs_ocr
def test_a_large_noisy_radiograph_keeps_its_text_and_its_anatomy() -> None:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:2048, 0:2048]
    body = 120 + 60 * np.sin(xx / 90) * np.cos(yy / 70) + rng.normal(0, 10, (2048, 2048))
    image = Image.fromarray(body.clip(0, 255).astype(np.uint8))
    ImageDraw.Draw(image).text((20, 20), "R  PA ERECT", fill=255, font=ImageFont.load_default(40))
    regions = detect_text(np.asarray(image), IDS, Evidence(modality="DX"))
    assert len(regions) == 1 and not regions[0].identifying
    assert regions[0].x0 <= 20 and regions[0].y0 <= 28


@needs_ocr
@pytest.mark.filterwarnings("ignore:The value length:UserWarning")  # the vendor file's own header
def test_a_cines_frames_share_the_readings_of_their_furniture(monkeypatch: pytest.MonkeyPatch) -> None:
    from takehome.handouts.deid import ocr

    path = deid_data_file("ultrasounds/ultrasound-multiframe.dcm")
    if path is None:
        pytest.skip("needs the deid-data package")
    ds = pydicom.dcmread(path)
    ocr.forget_readings()
    calls: list[int] = []
    recognise = ocr._recognise
    monkeypatch.setattr(ocr, "_recognise", lambda page, psm: calls.append(1) or recognise(page, psm))
    first = detect_text(render(ds, 1).pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
    read_first = len(calls)
    second = detect_text(render(ds, 2).pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
    assert read_first > 0 and len(calls) - read_first < read_first / 2  # the furniture is read once
    assert {(r.x0, r.y0, r.identifying) for r in first} & {(r.x0, r.y0, r.identifying) for r in second}


@needs_ocr
@pytest.mark.filterwarnings("ignore:The value length:UserWarning")
@pytest.mark.parametrize("name", ["CT_small.dcm", "MR_small.dcm", "humans/ctbrain1.dcm", "animals/cat.dcm"])
def test_real_text_free_images_have_no_regions(name: str) -> None:
    path = get_testdata_file(name, download=False) if "/" not in name else deid_data_file(name)
    if path is None:
        pytest.skip("needs the deid-data package")
    ds = pydicom.dcmread(path)
    pixels = render(ds, 1).pixels
    assert detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds)) == []
