"""The display pipeline over every image pydicom ships, and its grey/colour rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from takehome.annotations import Window
from takehome.handouts.display import frame_count, grey_look, grey_values, render, render_grey
from takehome.handouts.errors import DecodeError, InputError
from takehome.handouts.source import read_dataset
from tests.conftest import make_dataset

TEST_FILES = sorted(Path(get_testdata_file("CT_small.dcm")).parent.glob("*.dcm"))


def _has_image(path: Path) -> bool:
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=False, force=True)
    except Exception:
        return False
    return "PixelData" in ds and "SOPInstanceUID" in ds


IMAGE_FILES = [p for p in TEST_FILES if _has_image(p)]


def test_the_corpus_is_real() -> None:
    assert len(IMAGE_FILES) >= 50


@pytest.mark.parametrize("path", IMAGE_FILES, ids=lambda p: p.name)
def test_every_shipped_image_renders_or_fails_clearly(path: Path) -> None:
    try:
        ds = read_dataset(path)
        frames = frame_count(ds)
        for frame in sorted({1, frames}):
            image = render(ds, frame, path=path.name)
            assert image.pixels.dtype == np.uint8
            assert image.pixels.shape[:2] == (ds.Rows, ds.Columns)
            assert image.pixels.ndim == 2 or image.pixels.shape[2] == 3
    except (InputError, DecodeError) as exc:
        message = str(exc)
        assert path.name in message
        # the message says what is wrong in words a user can act on
        assert any(word in message for word in (
            "decod", "truncated", "damaged", "not a DICOM", "no image", "cannot be", "compressed"))


def test_lossy_jpeg_names_its_decoder_or_renders() -> None:
    path = Path(get_testdata_file("JPEG-lossy.dcm"))
    ds = read_dataset(path)
    try:
        render(ds, path=path.name)
    except DecodeError as exc:
        assert "JPEG" in str(exc) and "pylibjpeg" in str(exc)


def test_truncated_pixel_data_is_named() -> None:
    path = Path(get_testdata_file("MR_truncated.dcm"))
    with pytest.raises(DecodeError, match="truncated"):
        render(read_dataset(path), path=path.name)


def test_window_maps_to_full_range_and_monochrome1_inverts() -> None:
    ramp = np.tile(np.arange(0, 1000, 10, dtype=np.uint16), (4, 1))  # 4 x 100
    ds = make_dataset(4, 100, pixels=ramp)
    ds.RescaleIntercept = 0
    window = Window(500, 200)  # 400..600 -> 0..255
    grey = render(ds, 1, window).pixels
    assert grey[0, 30] == 0 and grey[0, 70] == 255
    assert 100 < grey[0, 50] < 155
    ds.PhotometricInterpretation = "MONOCHROME1"
    inverted = render(ds, 1, window).pixels
    assert np.array_equal(inverted, 255 - grey)


def test_header_window_then_percentile_window() -> None:
    ds = make_dataset(32, 32)
    assert render(ds).window == Window(40, 400)
    del ds.WindowCenter
    del ds.WindowWidth
    image = render(ds)
    assert image.window is not None and image.pixels.min() == 0 and image.pixels.max() == 255


def test_multiframe_frame_selection() -> None:
    frames = np.stack([np.full((8, 8), v, dtype=np.uint16) for v in (1000, 1100, 1200)])
    ds = make_dataset(8, 8, pixels=frames[0])
    ds.NumberOfFrames = 3
    ds.PixelData = frames.tobytes()
    values = [int(render(ds, f, Window(100, 400)).pixels[0, 0]) for f in (1, 2, 3)]
    assert values[0] < values[1] < values[2]
    with pytest.raises(DecodeError, match="frame 4 does not exist"):
        render(ds, 4)


def test_colour_images() -> None:
    palette = read_dataset(get_testdata_file("examples_palette.dcm"))
    assert render(palette).pixels.shape == (palette.Rows, palette.Columns, 3)
    ybr = read_dataset(get_testdata_file("SC_ybr_full_422_uncompressed.dcm"))
    rgb = read_dataset(get_testdata_file("SC_rgb_rle.dcm"))
    # the YBR file and the RGB file hold the same picture: after conversion they agree closely
    diff = np.abs(render(ybr).pixels.astype(int) - render(rgb).pixels.astype(int))
    assert diff.mean() < 3


def test_not_dicom_and_no_pixels(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(InputError, match="not a DICOM file"):
        read_dataset(junk)
    with pytest.raises(InputError, match="no image"):
        read_dataset(get_testdata_file("rtplan.dcm"))


def test_grey_values_are_the_modality_values_render_windows() -> None:
    ds = make_dataset(16, 20)  # CT: stored 12-bit, rescale -1024, window 40/400
    grey = grey_values(ds)
    assert grey is not None and grey.values.dtype == np.int16  # whole HU, kept small
    stored = np.frombuffer(ds.PixelData, dtype=np.uint16).reshape(16, 20)
    np.testing.assert_array_equal(grey.values, stored.astype(int) - 1024)
    assert grey.look == grey_look(ds)
    assert grey.look.window == Window(40, 400) and grey.look.linear and not grey.look.inverted
    assert grey.look.value_range == (-1024.0, 3071.0)
    for window in (None, Window(-600, 1500)):
        np.testing.assert_array_equal(render_grey(grey, window).pixels, render(ds, 1, window).pixels)
    ds.RescaleSlope = 0.5  # fractions stay fractions
    halves = grey_values(ds)
    assert halves is not None and halves.values.dtype == np.float32
    assert halves.look.value_range == (-1024.0, 1023.5)


def test_grey_look_says_when_a_viewer_can_show_the_window() -> None:
    assert grey_look(make_dataset(8, 8, color=True)) is None
    assert grey_values(make_dataset(8, 8, color=True)) is None
    mono1 = make_dataset(8, 8)
    mono1.PhotometricInterpretation = "MONOCHROME1"
    assert grey_look(mono1).inverted  # type: ignore[union-attr]
    sigmoid = make_dataset(8, 8)
    sigmoid.VOILUTFunction = "SIGMOID"
    assert not grey_look(sigmoid).linear  # type: ignore[union-attr]
    no_window = make_dataset(8, 8)
    del no_window.WindowCenter, no_window.WindowWidth
    grey = grey_values(no_window)
    assert grey is not None and grey.look.window is None
    assert grey.default_window() == render(no_window).window  # the percentile window
