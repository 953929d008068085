"""From a DICOM dataset to 8-bit display pixels, with pydicom's own pixel pipeline.

Grey images: modality LUT/rescale -> VOI (the key image's window, else the header's VOI LUT or
window, else a robust percentile window) -> 0..255 -> MONOCHROME1 inverted. Colour images: YBR is
converted to RGB by the decoder, PALETTE COLOR through its LUT, and >8-bit samples scaled down.
Per-frame functional groups (enhanced multi-frame) supply the frame's rescale and window.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset
from pydicom.pixels.decoders.base import get_decoder
from pydicom.pixels.processing import (
    apply_color_lut,
    apply_modality_lut,
    apply_voi,
    apply_windowing,
)

from takehome.annotations.model import Window
from takehome.handouts.errors import DecodeError
from takehome.handouts.source import decode_error, quiet_pydicom, transfer_syntax

_GREY = ("MONOCHROME1", "MONOCHROME2")
_PERCENTILES = (0.5, 99.5)


@dataclass(frozen=True, slots=True)
class DisplayImage:
    """Display-ready pixels (uint8, rows x columns, or rows x columns x 3 for colour)."""

    pixels: NDArray[np.uint8]
    window: Window | None
    photometric: str

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 3

    @property
    def rows(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def columns(self) -> int:
        return int(self.pixels.shape[1])


def frame_count(ds: Dataset) -> int:
    """Number of frames in the image (1 for single-frame)."""
    with quiet_pydicom():
        try:
            return max(1, int(ds.get("NumberOfFrames") or 1))
        except (TypeError, ValueError):
            return 1


def _frame_group(ds: Dataset, frame: int, sequence: str) -> Dataset | None:
    """The frame's item of a functional group macro, per-frame first, then shared."""
    for name, index in (("PerFrameFunctionalGroupsSequence", frame - 1),
                        ("SharedFunctionalGroupsSequence", 0)):
        groups = ds.get(name)
        if groups and index < len(groups):
            macro = groups[index].get(sequence)
            if macro:
                item: Dataset = macro[0]
                return item
    return None


def _lut_view(ds: Dataset, frame: int) -> Dataset:
    """A small dataset with the attributes the LUT functions read, frame-specific values applied."""
    view = Dataset()
    for keyword in ("PhotometricInterpretation", "BitsStored", "BitsAllocated", "PixelRepresentation",
                    "RescaleSlope", "RescaleIntercept", "RescaleType", "ModalityLUTSequence",
                    "WindowCenter", "WindowWidth", "VOILUTFunction", "VOILUTSequence",
                    "PresentationLUTShape"):
        if keyword in ds:
            view[keyword] = ds[keyword]
    transform = _frame_group(ds, frame, "PixelValueTransformationSequence")
    if transform is not None:
        for keyword in ("RescaleSlope", "RescaleIntercept"):
            if keyword in transform:
                view[keyword] = transform[keyword]
    voi = _frame_group(ds, frame, "FrameVOILUTSequence")
    if voi is not None:
        for keyword in ("WindowCenter", "WindowWidth", "VOILUTFunction"):
            if keyword in voi:
                view[keyword] = voi[keyword]
    return view


def _window_to_uint8(values: NDArray[Any], window: Window, function: str) -> NDArray[np.uint8]:
    """Apply a window with pydicom, into an 8-bit unsigned output range."""
    target = Dataset()
    target.PhotometricInterpretation = "MONOCHROME2"
    target.BitsStored = 8
    target.PixelRepresentation = 0
    target.WindowCenter = window.center
    target.WindowWidth = window.width
    target.VOILUTFunction = function if function in ("LINEAR", "LINEAR_EXACT", "SIGMOID") else "LINEAR"
    out = apply_windowing(values.astype(np.float64), target)
    result: NDArray[np.uint8] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return result


def header_window(ds: Dataset, frame: int = 1) -> Window | None:
    """The first window stored in the header for this frame, if any and usable."""
    return _view_window(_lut_view(ds, frame))


def _view_window(view: Dataset) -> Window | None:
    """:func:`header_window` of a frame's :func:`_lut_view`."""
    if "WindowCenter" not in view or "WindowWidth" not in view:
        return None
    try:
        center = view["WindowCenter"].value
        width = view["WindowWidth"].value
        center = float(center[0] if view["WindowCenter"].VM > 1 else center)
        width = float(width[0] if view["WindowWidth"].VM > 1 else width)
        return Window(center, width)
    except Exception:
        return None


def percentile_window(values: NDArray[Any]) -> Window:
    """A robust window covering the 0.5th to 99.5th percentile of the values."""
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if finite.size == 0:
        return Window(0.0, 1.0)
    sample = finite.ravel()
    if sample.size > 1_000_000:
        sample = sample[:: sample.size // 1_000_000 + 1]
    low, high = np.percentile(sample, _PERCENTILES)
    if high - low < 1:
        low, high = float(sample.min()), float(sample.max())
    width = max(float(high - low), 1.0)
    return Window(float(low + high) / 2, width)


def decode_frame(ds: Dataset, frame: int = 1, *, path: str = "") -> tuple[NDArray[Any], str]:
    """The stored pixel values of one frame (YBR already converted to RGB) and their photometric."""
    frames = frame_count(ds)
    if not 1 <= frame <= frames:
        raise DecodeError(f"{path or 'image'}: frame {frame} does not exist (the image has {frames})")
    if "PixelData" not in ds:
        arr = np.asarray(ds.pixel_array)
        return (arr[frame - 1] if frames > 1 else arr), str(ds.get("PhotometricInterpretation", ""))
    try:
        decoder = get_decoder(transfer_syntax(ds))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            arr, meta = decoder.as_array(ds, index=frame - 1)
    except Exception as exc:
        raise decode_error(path or "image", ds, exc) from None
    return arr, str(meta.get("photometric_interpretation", ds.get("PhotometricInterpretation", "")))


def render(ds: Dataset, frame: int = 1, window: Window | None = None, *, path: str = "") -> DisplayImage:
    """Decode and display ``frame`` (1-based) of ``ds`` as 8-bit pixels."""
    with quiet_pydicom():
        return _render(ds, frame, window, path)


def _render(ds: Dataset, frame: int, window: Window | None, path: str) -> DisplayImage:
    arr, photometric = decode_frame(ds, frame, path=path)
    where = path or "image"
    try:
        if photometric in _GREY:
            return _render_grey(ds, frame, arr, photometric, window)
        if photometric == "PALETTE COLOR":
            rgb = apply_color_lut(arr, ds)
            return DisplayImage(_to_uint8(rgb, 16 if rgb.dtype.itemsize > 1 else 8), None, photometric)
        if arr.ndim == 3 and arr.shape[-1] == 3:
            bits = int(ds.get("BitsStored") or ds.get("BitsAllocated") or 8)
            return DisplayImage(_to_uint8(arr, bits), None, photometric)
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError(f"{where}: the image cannot be displayed ({type(exc).__name__}: {exc})") from None
    raise DecodeError(f"{where}: photometric interpretation {photometric!r} is not supported")


def _render_grey(ds: Dataset, frame: int, arr: NDArray[Any], photometric: str,
                 window: Window | None) -> DisplayImage:
    if arr.ndim != 2:
        raise DecodeError(f"expected one grey frame, got an array of shape {arr.shape}")
    view = _lut_view(ds, frame)
    function = str(view.get("VOILUTFunction", "LINEAR")).upper()
    used = window
    if used is None and view.get("VOILUTSequence"):
        lut_out = apply_voi(_modality(arr, view), view)
        bits = int(view.VOILUTSequence[0].LUTDescriptor[2])
        out = _to_uint8(np.asarray(lut_out), bits)
    else:
        if used is None:
            used = _view_window(view) or percentile_window(_modality(arr, view))
        out = _windowed(arr, view, used, function)
    inverse = str(view.get("PresentationLUTShape", "")).upper() == "INVERSE"
    if (photometric == "MONOCHROME1") != inverse:
        out = np.subtract(255, out, dtype=np.uint8)
    return DisplayImage(np.ascontiguousarray(out), used, photometric)


def _modality(arr: NDArray[Any], view: Dataset) -> NDArray[Any]:
    """The modality LUT or rescale of ``view`` applied to stored values (unchanged without one)."""
    if "RescaleSlope" in view or "ModalityLUTSequence" in view:
        return np.asarray(apply_modality_lut(arr, view))
    return arr


def _windowed(arr: NDArray[Any], view: Dataset, window: Window, function: str) -> NDArray[np.uint8]:
    """Modality LUT then ``window``, to 0..255. Integer pixels go through a table of their value range:
    the same arithmetic on each distinct stored value, so the same pixels, without float64 copies of
    the whole image."""
    if arr.dtype.kind in "iu" and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if high - low < arr.size:
            stored = np.arange(low, high + 1, dtype=arr.dtype)
            table = _window_to_uint8(_modality(stored, view), window, function)
            index = arr - arr.dtype.type(low) if arr.dtype.kind == "u" else arr.astype(np.int64) - low
            result: NDArray[np.uint8] = table[index]
            return result
    return _window_to_uint8(_modality(arr, view), window, function)


def _to_uint8(arr: NDArray[Any], bits: int) -> NDArray[np.uint8]:
    """Scale unsigned samples of ``bits`` significant bits to 0..255."""
    if arr.dtype == np.uint8 and bits <= 8:
        return np.ascontiguousarray(arr)
    top = float(2 ** max(1, min(bits, 32)) - 1)
    data = arr.astype(np.float64)
    if data.max(initial=0) > top:
        top = float(data.max())
    scaled = np.clip(np.rint(data * (255.0 / top)), 0, 255)
    return np.ascontiguousarray(scaled.astype(np.uint8))
