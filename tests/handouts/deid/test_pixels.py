"""Burned-in text: which OCR words identify someone (fast, from words) and real OCR on real screens."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydicom.data import get_testdata_file

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.ocr import (
    Word,
    merge_words,
    read_words,
    suppress_texture,
    tesseract_available,
    tophat,
)
from takehome.handouts.deid.pixels import Evidence, classify_words, detect_text, group_lines
from takehome.handouts.display import render

IDS = Identifiers(name_parts=frozenset({"Blackwood", "Eleanor"}), ids=frozenset({"MRN-4471902"}),
                  phrases=frozenset({"Saint Quentin Royal Infirmary"}),
                  dates=frozenset({dt.date(1947, 3, 12)}))
needs_ocr = pytest.mark.skipif(not tesseract_available(), reason="needs tesseract-ocr")


def word(text: str, x: int, y: int = 10, conf: float = 90.0, *readings: str) -> Word:
    return Word(x, y, x + 8 * len(text), y + 12, (text, *readings), conf)


def test_lines_group_words_left_to_right() -> None:
    words = [word("B", 24), word("A", 10), word("C", 10, y=40)]
    lines = group_lines(words)
    assert [[w.text for w in line] for line in lines] == [["A", "B"], ["C"]]


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
    regions = classify_words(words, IDS, Evidence(modality="US"), (100, 400))
    identifying = [r for r in regions if r.identifying]
    covered = {i for i, w in enumerate(words)
               if any(r.x0 <= w.x0 and w.x1 <= r.x1 for r in identifying)}
    assert covered == expected


def test_any_pass_can_reveal_an_identifier() -> None:
    first = word("Blackw@@d", 10, conf=40)
    second = Word(11, 10, 83, 22, ("Blackwood",), 80.0, source=1)
    merged = merge_words([[first], [second]])
    assert len(merged) == 1 and set(merged[0].readings) == {"Blackw@@d", "Blackwood"}
    regions = classify_words([first, second], IDS, Evidence(), (50, 200))
    assert regions and all(r.identifying for r in regions)  # no leftover "text" region on top


def test_evidence_from_the_header() -> None:
    ds = pydicom.dcmread(get_testdata_file("examples_palette.dcm", download=False))
    evidence = Evidence.from_dataset(ds)
    assert evidence.text_expected and evidence.modality == "US"
    assert evidence.imaging_regions  # the ultrasound region: text outside it is expected
    assert evidence.outside_imaging(word("x", 600, y=10))
    assert "Burned In Annotation absent" in evidence.describe()


def test_texture_is_not_read_but_text_on_black_is() -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (128, 128), dtype=np.uint8)
    assert not suppress_texture(tophat(noise, True)).any()
    image = Image.new("L", (128, 64))
    ImageDraw.Draw(image).text((4, 4), "ID 12345", fill=255, font=ImageFont.load_default(14))
    strokes = suppress_texture(tophat(np.asarray(image), True))
    assert strokes.any()


@needs_ocr
@pytest.mark.parametrize(("name", "hidden"), [
    ("examples_palette.dcm", [(95, 34, 265, 52), (668, 7, 775, 27), (326, 33, 512, 54)]),
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
    for x0, y0, x1, y1 in hidden:  # the labelled identifier text is fully covered
        ink = tophat(pixels, True)[y0:y1, x0:x1] >= 80
        assert mask[y0:y1, x0:x1][ink].mean() >= 0.98, (name, (x0, y0))
    assert mask.mean() < 0.1


@needs_ocr
def test_a_large_noisy_radiograph_keeps_its_text_readable() -> None:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:2048, 0:2048]
    body = 120 + 60 * np.sin(xx / 90) * np.cos(yy / 70) + rng.normal(0, 10, (2048, 2048))
    image = Image.fromarray(body.clip(0, 255).astype(np.uint8))
    ImageDraw.Draw(image).text((20, 20), "R  PA ERECT", fill=255, font=ImageFont.load_default(40))
    words = read_words(np.asarray(image))
    assert "ERECT" in {w.text for w in words}
    assert len(words) < 100  # the texture is not read as text
