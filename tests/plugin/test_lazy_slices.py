"""napari's stacks decode a slice when it is shown and read the next ones ahead, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from takehome.handouts.display import render
from takehome.handouts.source import read_dataset
from takehome.plugin.images import ImageLibrary
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.lazy import LazySlices
from takehome.plugin.readahead import AHEAD
from takehome.plugin.standalone import scan

from .conftest import write_study


def test_a_slice_is_decoded_when_shown_and_the_next_ones_ahead(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    write_study(tmp_path / "s", images=30)
    refs = scan([tmp_path / "s"]).series[0].images
    library = ImageLibrary()
    stack = LazySlices(refs, (64, 80), library)
    assert stack.shape == (30, 64, 80) and stack.ndim == 3
    assert all(library.cached(ref) is None for ref in refs)  # opening decodes nothing
    pixels = stack[10]
    expected = render(read_dataset(refs[10].file), 1).pixels
    assert np.array_equal(pixels, expected)
    assert wait_for_jobs(10000)
    ahead = [library.cached(ref) is not None for ref in refs]
    assert all(ahead[11:11 + AHEAD]) and not any(ahead[:7]) and not any(ahead[11 + AHEAD:])
    assert np.array_equal(np.asarray(stack)[10], expected)  # the whole stack, when napari asks for it
    assert stack[12, 5:9, 0].tolist() == expected_row(refs[12].file)


def expected_row(file: str) -> list[int]:
    return render(read_dataset(file), 1).pixels[5:9, 0].tolist()  # type: ignore[no-any-return]


def test_a_values_stack_holds_modality_values_decoded_once_for_napari_and_the_panel(
        tmp_path: Path, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from takehome.plugin import images

    write_study(tmp_path / "s", images=20)
    refs = scan([tmp_path / "s"]).series[0].images
    library = ImageLibrary()
    decoded: list[str] = []
    real = images.grey_values
    monkeypatch.setattr(images, "grey_values", lambda ds, frame, path: decoded.append(path) or real(
        ds, frame, path=path))
    stack = LazySlices(refs, (64, 80), library, values=True)
    assert stack.dtype == np.float32
    values = stack[5]
    grey = real(read_dataset(refs[5].file), 1)
    assert grey is not None
    np.testing.assert_array_equal(values, grey.values)
    assert wait_for_jobs(10000)
    assert all(library.has_values(ref) for ref in refs[6:6 + AHEAD])
    assert all(library.cached(ref) is None for ref in refs)  # napari's read-ahead renders nothing
    shown = library.show(refs[5])  # the panel's image of the slice: windowed from the values
    np.testing.assert_array_equal(shown.display.pixels, render(read_dataset(refs[5].file), 1).pixels)
    assert decoded.count(refs[5].file) == 1
